import type { AppDeps } from '../app-deps.js';
import { identifierText, type NormalizedIdentifier } from '../identity/normalize.js';
import { type AllSettings, loadSettings } from '../services/settings.js';
import type { IngestRecord } from './types.js';

/** Below this many phones a batch is normalized inline: a worker round trip would cost more. */
const OFFLOAD_MIN_PHONES = 1_000;

export interface PreparedPhones {
  settings: AllSettings;
  /** Normalized phone per record index, when they were normalized off the main thread. */
  phones?: Map<number, NormalizedIdentifier>;
}

/**
 * A batch's settings, and for large batches its phones normalized on the phone worker
 * (src/identity/phone-offload.ts): ingest starts this before it queues for the database, so the
 * next batch's phones are parsed on another core while the current one is written.
 */
export async function preparePhones(deps: AppDeps, records: IngestRecord[]): Promise<PreparedPhones> {
  const settings = await loadSettings(deps);
  if (!deps.phoneOffload) return { settings };
  const indexes: number[] = [];
  const raws: string[] = [];
  records.forEach((record, index) => {
    const phone = identifierText(record.identifiers.phone);
    if (phone === undefined) return;
    indexes.push(index);
    raws.push(phone);
  });
  if (raws.length < OFFLOAD_MIN_PHONES) return { settings };
  try {
    const normalized = await deps.phoneOffload.normalizePhones(raws, settings.identity.phone);
    return { settings, phones: new Map(indexes.map((index, i) => [index, normalized[i]!])) };
  } catch (error) {
    // Slower, not lost: the batch is normalized inline.
    deps.logger.warn('phone normalization worker failed; normalizing inline', { error: String(error) });
    return { settings };
  }
}
