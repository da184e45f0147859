import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import {
  type ConnectorContext,
  ConnectorError,
  type SourceBatch,
  type SourceRecord,
} from '../../src/connector-kit/index.js';
import { callHubspot, hubspotClient, SOURCE_RETRY, withRetry } from './client.js';
import {
  HUBSPOT_BATCH_SIZE,
  type HubspotCheckpoint,
  type HubspotConfig,
  SEARCH_PAGE_SIZE,
} from './config.js';
import {
  archivedToRecord,
  compareIds,
  contactToRecords,
  type HubspotContact,
  isAfter,
  modifiedMs,
  type Position,
  toMs,
} from './mapper.js';

/*
 * How the read walks HubSpot's contacts:
 *
 * Every search page is its own narrowed window: `lastmodifieddate >= T` sorted ascending, 200 at a
 * time, never paging with `after`. Offset paging over a sort key that changes while we read is
 * lossy (a contact modified mid-scan moves to the end and shifts every later one back by one,
 * so the next page skips one), and it stops dead at the 10,000-result cap; a fresh window per page
 * has neither problem. A page's last timestamp group may be cut off, so it is held back and read
 * again at the head of the next window (`lastmodifieddate > T'` once T' is complete). Groups are
 * released whole and in id order, which is what makes the inclusive (time, id) checkpoint exact
 * even though the search API sorts by one property only. A page that is a single timestamp
 * (a bulk import can stamp thousands of contacts with one millisecond) is walked by id instead:
 * `lastmodifieddate = T AND hs_object_id > id`, sorted by id.
 */

const searchPageSchema = z.object({
  results: z.array(
    z.object({
      id: z.string().min(1),
      properties: z.record(z.string(), z.string().nullable().optional()),
      updatedAt: z.union([z.date(), z.string()]).optional(),
    }),
  ),
});

const archivedPageSchema = z.object({
  results: z.array(
    z.object({
      id: z.string().min(1),
      properties: z.record(z.string(), z.string().nullable().optional()),
      archivedAt: z.union([z.date(), z.string()]).optional(),
    }),
  ),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

/** Properties the read itself depends on, whatever the admin picked. */
const REQUIRED_PROPERTIES = ['email', 'phone', 'lastmodifieddate', 'hs_object_id', 'hs_merged_object_ids'];

export function startPosition(checkpoint: HubspotCheckpoint | null): Position {
  if (checkpoint === null || checkpoint.full === true) return { timeMs: 0, lastId: '' };
  return { timeMs: Date.parse(checkpoint.after), lastId: checkpoint.lastId };
}

export function checkpointOf(position: Position): HubspotCheckpoint {
  return { after: new Date(position.timeMs).toISOString(), lastId: position.lastId };
}

export async function* readHubspotContacts(
  ctx: ConnectorContext,
  config: HubspotConfig,
  checkpoint: HubspotCheckpoint | null,
): AsyncGenerator<SourceBatch<HubspotCheckpoint>> {
  const start = startPosition(checkpoint);
  const client = hubspotClient(config);
  const properties = [...new Set([...config.properties, ...REQUIRED_PROPERTIES])];

  // Records waiting to fill a batch; `position` is set on a contact's own (last) record, so a
  // batch boundary inside a contact's merged ids never claims the contact was handled.
  let pending: { record: SourceRecord; position?: Position }[] = [];
  let emitted = start;
  const take = (count: number): SourceBatch<HubspotCheckpoint> => {
    const chunk = pending.slice(0, count);
    pending = pending.slice(count);
    for (const entry of chunk) if (entry.position) emitted = entry.position;
    return { records: chunk.map((entry) => entry.record), checkpoint: checkpointOf(emitted) };
  };

  for await (const contact of changedContacts(ctx, client, properties, start)) {
    const records = contactToRecords(contact, config.properties);
    const position = { timeMs: modifiedMs(contact), lastId: contact.id };
    records.forEach((record, i) => {
      pending.push(i === records.length - 1 ? { record, position } : { record });
    });
    while (pending.length >= HUBSPOT_BATCH_SIZE) yield take(HUBSPOT_BATCH_SIZE);
  }
  if (pending.length > 0) yield take(pending.length);

  yield* deletionBatches(await archivedSince(ctx, client, start.timeMs), emitted);
}

/** Contacts after `start`, in (lastmodifieddate, id) order, each exactly once. */
async function* changedContacts(
  ctx: ConnectorContext,
  client: Client,
  properties: string[],
  start: Position,
): AsyncGenerator<HubspotContact> {
  let operator: 'GTE' | 'GT' = 'GTE';
  let fromMs = start.timeMs;
  const release = function* (group: HubspotContact[], ms: number) {
    const sorted = [...group].sort((a, b) => compareIds(a.id, b.id));
    for (const contact of sorted) if (isAfter(ms, contact.id, start)) yield contact;
  };

  for (;;) {
    const page = await search(ctx, client, {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator, value: String(fromMs) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties,
      limit: SEARCH_PAGE_SIZE,
    });
    const groups = groupByTime(page);
    const last = groups.at(-1);
    if (last === undefined) return;
    if (page.length < SEARCH_PAGE_SIZE) {
      for (const group of groups) yield* release(group.contacts, group.ms);
      return;
    }
    if (groups.length === 1) {
      yield* sameTimestamp(ctx, client, properties, last.ms, last.ms === start.timeMs ? start.lastId : '');
    } else {
      // The last group may continue on the next page: read it again from its start.
      for (const group of groups.slice(0, -1)) yield* release(group.contacts, group.ms);
    }
    operator = 'GT';
    fromMs = groups.length === 1 ? last.ms : groups.at(-2)!.ms;
  }
}

/** Every contact stamped exactly `ms`, by id, after `afterId`. */
async function* sameTimestamp(
  ctx: ConnectorContext,
  client: Client,
  properties: string[],
  ms: number,
  afterId: string,
): AsyncGenerator<HubspotContact> {
  let lastId = afterId;
  for (;;) {
    const filters = [
      { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(ms) },
      ...(lastId === '' ? [] : [{ propertyName: 'hs_object_id', operator: 'GT', value: lastId }]),
    ];
    const page = await search(ctx, client, {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties,
      limit: SEARCH_PAGE_SIZE,
    });
    for (const contact of page) {
      if (compareIds(contact.id, lastId) <= 0) {
        throw new ConnectorError('bad_response', 'HubSpot search ignored the hs_object_id filter or sort');
      }
      lastId = contact.id;
      yield contact;
    }
    if (page.length < SEARCH_PAGE_SIZE) return;
  }
}

interface SearchRequest {
  filterGroups: { filters: { propertyName: string; operator: string; value: string }[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties: string[];
  limit: number;
}

async function search(
  ctx: ConnectorContext,
  client: Client,
  request: SearchRequest,
): Promise<HubspotContact[]> {
  const answer = await withRetry(ctx, SOURCE_RETRY, () =>
    callHubspot(ctx, 'contact search', () =>
      // The SDK types `sorts` as strings, but the API documents (and the SDK passes through)
      // the object form, which is the only one that names a direction unambiguously.
      client.crm.contacts.searchApi.doSearch(
        request as unknown as Parameters<typeof client.crm.contacts.searchApi.doSearch>[0],
      ),
    ),
  );
  const parsed = searchPageSchema.safeParse(answer);
  if (!parsed.success)
    throw new ConnectorError('bad_response', 'HubSpot contact search answered an unexpected shape');
  return parsed.data.results;
}

function groupByTime(page: HubspotContact[]): { ms: number; contacts: HubspotContact[] }[] {
  const groups: { ms: number; contacts: HubspotContact[] }[] = [];
  for (const contact of page) {
    const ms = modifiedMs(contact);
    if (!Number.isFinite(ms)) {
      throw new ConnectorError('bad_response', `HubSpot contact ${contact.id} has no lastmodifieddate`);
    }
    const last = groups.at(-1);
    if (last && ms < last.ms)
      throw new ConnectorError('bad_response', 'HubSpot search results are not sorted');
    if (last?.ms === ms) last.contacts.push(contact);
    else groups.push({ ms, contacts: [contact] });
  }
  return groups;
}

/** Contacts archived at or after `sinceMs`, oldest first. The list API cannot filter, so all are paged. */
async function archivedSince(
  ctx: ConnectorContext,
  client: Client,
  sinceMs: number,
): Promise<HubspotContact[]> {
  const found: HubspotContact[] = [];
  let after: string | undefined;
  do {
    const answer = await withRetry(ctx, SOURCE_RETRY, () =>
      callHubspot(ctx, 'archived contacts', () =>
        client.crm.contacts.basicApi.getPage(
          HUBSPOT_BATCH_SIZE,
          after,
          ['email'],
          undefined,
          undefined,
          true,
        ),
      ),
    );
    const parsed = archivedPageSchema.safeParse(answer);
    if (!parsed.success)
      throw new ConnectorError('bad_response', 'HubSpot archived contacts answered an unexpected shape');
    for (const contact of parsed.data.results) if (toMs(contact.archivedAt) >= sinceMs) found.push(contact);
    after = parsed.data.paging?.next?.after;
  } while (after !== undefined);
  return found.sort((a, b) => toMs(a.archivedAt) - toMs(b.archivedAt));
}

/**
 * Deletions come last and carry the final position, except that a batch followed by more
 * deletions points back to the next one's archive time: resuming there repeats some upserts
 * (harmless) rather than losing the rest of the deletions.
 */
function* deletionBatches(
  archived: HubspotContact[],
  final: Position,
): Generator<SourceBatch<HubspotCheckpoint>> {
  for (let i = 0; i < archived.length; i += HUBSPOT_BATCH_SIZE) {
    const chunk = archived.slice(i, i + HUBSPOT_BATCH_SIZE);
    const next = archived[i + HUBSPOT_BATCH_SIZE];
    const nextMs = next ? toMs(next.archivedAt) : Number.POSITIVE_INFINITY;
    const position = nextMs < final.timeMs ? { timeMs: nextMs, lastId: '' } : final;
    yield { records: chunk.map(archivedToRecord), checkpoint: checkpointOf(position) };
  }
}
