import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import { events, orders } from '../db/schema/index.js';
import type { IngestRecord } from './types.js';

/** Indexes of records whose event is already stored, or repeated earlier in the same batch. */
export async function duplicateEventIndexes(deps: AppDeps, records: IngestRecord[]): Promise<Set<number>> {
  const bySource = new Map<string, string[]>();
  for (const record of records) {
    if (!record.event) continue;
    const list = bySource.get(record.source) ?? [];
    list.push(record.event.messageId);
    bySource.set(record.source, list);
  }
  const stored = new Set<string>();
  for (const [source, messageIds] of bySource) {
    const rows = await selectInChunks(
      [...new Set(messageIds)],
      deps.sqlParamLimit,
      (chunk) =>
        deps.db
          .select({ messageId: events.messageId })
          .from(events)
          .where(and(eq(events.source, source), inArray(events.messageId, chunk))),
      1,
    );
    for (const row of rows) stored.add(`${source}\u0000${row.messageId}`);
  }
  const duplicates = new Set<number>();
  records.forEach((record, index) => {
    if (!record.event) return;
    const key = `${record.source}\u0000${record.event.messageId}`;
    if (stored.has(key)) duplicates.add(index);
    else stored.add(key);
  });
  return duplicates;
}

/** Which `(source, order id)` pairs are already stored, and by which profile. */
export async function storedOrders(deps: AppDeps, keys: Array<{ source: string; externalOrderId: string }>) {
  const bySource = new Map<string, string[]>();
  for (const key of keys)
    bySource.set(key.source, [...(bySource.get(key.source) ?? []), key.externalOrderId]);
  const found = new Map<string, string>();
  for (const [source, ids] of bySource) {
    const rows = await selectInChunks(
      [...new Set(ids)],
      deps.sqlParamLimit,
      (chunk) =>
        deps.db
          .select({ externalOrderId: orders.externalOrderId, profileId: orders.profileId })
          .from(orders)
          .where(and(eq(orders.source, source), inArray(orders.externalOrderId, chunk))),
      1,
    );
    for (const row of rows) found.set(`${source}\u0000${row.externalOrderId}`, row.profileId);
  }
  return found;
}
