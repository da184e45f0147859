import type { AppDeps } from '../../app-deps.js';
import { CONSENT_CHANNELS, CONSENT_STATUSES } from '../../db/schema/consent.js';
import { ingest } from '../../ingest/pipeline.js';
import type { ConsentChannel, ConsentStatus, IngestRecord } from '../../ingest/types.js';
import {
  claimIdentifiers,
  Header,
  type IdentifierColumns,
  type IdentifierOptions,
  identifierCells,
  noIdentifier,
  toIdentifierInput,
} from './columns.js';
import type { CsvInput, DataEntry } from './csv-input.js';
import type { ImportRun } from './output.js';
import { inChunks, type RowResult, raggedRejection, rejected } from './results.js';
import { parseOneOf } from './values.js';

interface ProfilePlan {
  header: Header;
  identifiers: IdentifierColumns;
  consent: Array<{ index: number; channel: ConsentChannel }>;
  traits: Array<{ index: number; key: string }>;
}

/**
 * Profiles from a CSV: identifier columns (email, phone, user_id, an external id), optional
 * `<channel>_consent` columns (subscribed | unsubscribed | never), and every other column as a
 * trait under its header; an empty cell sets nothing. Validates the header before reading a row.
 */
export function importProfiles(deps: AppDeps, input: CsvInput, options: IdentifierOptions): ImportRun {
  const header = new Header(input.columns);
  const identifiers = claimIdentifiers(header, options);
  const consent = CONSENT_CHANNELS.flatMap((channel) => {
    const index = header.claim(`${channel} consent`, [`${channel}_consent`]);
    return index === undefined ? [] : [{ index, channel }];
  });
  header.assertUsable();
  const plan: ProfilePlan = { header, identifiers, consent, traits: header.unclaimed() };
  return run(deps, plan, input.entries, options.source);
}

async function* run(
  deps: AppDeps,
  plan: ProfilePlan,
  entries: AsyncIterable<DataEntry>,
  source: string,
): ImportRun {
  for await (const chunk of inChunks(entries)) {
    const observedAt = deps.now();
    const results: RowResult[] = [];
    const records: IngestRecord[] = [];
    const slots: Array<{ slot: number; entry: DataEntry }> = [];
    for (const entry of chunk.entries) {
      if (entry.type === 'ragged') {
        results.push(raggedRejection(entry));
        continue;
      }
      const mapped = mapRow(plan, entry, source, observedAt);
      if ('reason' in mapped) {
        results.push(rejected(entry, mapped.column, mapped.reason));
        continue;
      }
      slots.push({ slot: results.length, entry });
      results.push(rejected(entry, undefined, 'not processed'));
      records.push(mapped);
    }
    const outcomes = await ingest(deps, records);
    // The pipeline marks every row of a new profile `created`; only the first one created it.
    const reported = new Set<string>();
    outcomes.forEach((outcome, i) => {
      const { slot, entry } = slots[i]!;
      if (outcome.status === 'stored') {
        const first = outcome.created && !reported.has(outcome.profileId);
        reported.add(outcome.profileId);
        results[slot] = {
          row: entry.row,
          line: entry.line,
          status: first ? 'created' : 'updated',
          id: outcome.profileId,
        };
      } else {
        results[slot] = rejected(
          entry,
          undefined,
          outcome.status === 'unresolved' ? outcome.reason : 'already imported',
        );
      }
    });
    yield results;
    if (chunk.stop) throw chunk.stop;
  }
}

function mapRow(
  plan: ProfilePlan,
  { fields, row }: Extract<DataEntry, { type: 'row' }>,
  source: string,
  observedAt: Date,
): IngestRecord | { column?: string; reason: string } {
  const cells = identifierCells(plan.identifiers, fields);
  if (Object.keys(cells).length === 0) {
    return { reason: noIdentifier(plan.header, plan.identifiers) };
  }
  const consent: Partial<Record<ConsentChannel, ConsentStatus>> = {};
  for (const { index, channel } of plan.consent) {
    const raw = fields[index] ?? '';
    if (raw.trim() === '') continue;
    const status = parseOneOf(raw, CONSENT_STATUSES);
    // Consent is a legal record: an unreadable value rejects the row rather than being guessed.
    if (!status.ok) return { column: plan.header.name(index), reason: status.reason };
    consent[channel] = status.value;
  }
  const traits: Record<string, unknown> = {};
  for (const { index, key } of plan.traits) {
    const value = fields[index];
    if (value !== undefined && value !== '') traits[key] = value;
  }
  return {
    source,
    identifiers: toIdentifierInput(plan.identifiers, cells),
    traits,
    ...(Object.keys(consent).length > 0 ? { consent } : {}),
    observedAt,
    reference: `row ${row}`,
  };
}
