import type { AppDeps } from '../app-deps.js';
import type { ConnectorContext, DestinationCapability, DestinationRecord } from '../connector-kit/types.js';
import { atomic, type Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { chunked } from '../db/chunk.js';
import { placeholders, rawSelect } from '../db/raw-select.js';
import { syncFailures, syncListMembers } from '../db/schema/index.js';
import type { SyncDefinition } from './definition.js';
import { type DeliveryOptions, deliverBatch } from './deliver.js';

export interface ListPassOptions {
  deps: AppDeps;
  syncId: string;
  runId: string;
  definition: SyncDefinition;
  destination: DestinationCapability<unknown>;
  ctx: ConnectorContext;
  config: unknown;
  delivery: DeliveryOptions;
  batchSize: number;
  /** Stop between batches once this has passed (Workers); the next invocation carries on. */
  mayContinue: () => boolean;
}

export interface ListPassCounts {
  added: number;
  removed: number;
  failed: number;
}

/**
 * Segment membership as destination lists, by differences: contacts this sync has delivered who
 * are in a list's segment but not yet in the list are added; in mirror mode, list members who
 * left the segment (or the sync's source segment, or were merged away or erased) are taken out.
 * What the destination confirmed is recorded in sync_list_members, batch by batch, so the pass
 * resumes where it stopped and a second run with no change sends nothing.
 */
export async function syncLists(
  options: ListPassOptions,
): Promise<{ counts: ListPassCounts; done: boolean }> {
  const counts: ListPassCounts = { added: 0, removed: 0, failed: 0 };
  const { destination, definition } = options;
  if (definition.lists.length === 0) return { counts, done: true };
  if (!destination.setMembership) return { counts, done: true };
  for (const entry of definition.lists) {
    for (const change of definition.mode === 'mirror' ? (['add', 'remove'] as const) : (['add'] as const)) {
      // Each contact is tried once per pass: the cursor moves past failures too.
      let cursor = '';
      for (;;) {
        if (!options.mayContinue()) return { counts, done: false };
        const batch =
          change === 'add'
            ? await pendingAdds(options, entry.segment, entry.list, cursor)
            : await pendingRemoves(options, entry.segment, entry.list, cursor);
        if (batch.length === 0) break;
        cursor = batch[batch.length - 1]!.profileId;
        await applyBatch(options, entry.list, change, batch, counts);
      }
    }
  }
  return { counts, done: true };
}

/** How many would leave each list in mirror mode, and its size: for the blast guard. */
export async function pendingRemovalCounts(
  deps: AppDeps,
  syncId: string,
  definition: SyncDefinition,
): Promise<Array<{ list: string; members: number; removed: number }>> {
  if (definition.mode !== 'mirror') return [];
  const out = [];
  for (const entry of definition.lists) {
    const [row] = await rawSelect<{ members: number; removed: number }>(
      deps.db,
      `select count(*) as members, coalesce(sum(case when ${leftCondition(definition)} then 1 else 0 end), 0) as removed
       from sync_list_members l where l.sync_id = ? and l.list = ?`,
      [...leftArgs(definition, entry.segment), syncId, entry.list],
    );
    out.push({ list: entry.list, members: row?.members ?? 0, removed: row?.removed ?? 0 });
  }
  return out;
}

async function pendingAdds(options: ListPassOptions, segment: string, list: string, after: string) {
  const { deps, syncId, definition, batchSize } = options;
  const source = definition.source.segment;
  return rawSelect<{ profileId: string; email: string }>(
    deps.db,
    `select m.profile_id as profileId,
       (select i.value from identities i where i.profile_id = m.profile_id and i.type = 'email'
        order by i.first_seen_at limit 1) as email
     from segment_memberships m
     join sync_fingerprints f on f.sync_id = ? and f.profile_id = m.profile_id
     ${source ? 'join segment_memberships s on s.segment_id = ? and s.profile_id = m.profile_id' : ''}
     where m.segment_id = ? and m.profile_id > ?
       and not exists (select 1 from sync_list_members l where l.sync_id = ? and l.list = ? and l.profile_id = m.profile_id)
       and exists (select 1 from identities i where i.profile_id = m.profile_id and i.type = 'email')
     order by m.profile_id limit ${batchSize}`,
    [syncId, ...(source ? [source] : []), segment, after, syncId, list],
  );
}

async function pendingRemoves(options: ListPassOptions, segment: string, list: string, after: string) {
  const { deps, syncId, definition, batchSize } = options;
  return rawSelect<{ profileId: string; email: string }>(
    deps.db,
    `select l.profile_id as profileId, l.email as email from sync_list_members l
     where l.sync_id = ? and l.list = ? and l.profile_id > ? and ${leftCondition(definition)}
     order by l.profile_id limit ${batchSize}`,
    [syncId, list, after, ...leftArgs(definition, segment)],
  );
}

/** A list member has left when it is no longer in the list's segment, or in the sync's source. */
function leftCondition(definition: SyncDefinition): string {
  const notIn =
    'not exists (select 1 from segment_memberships m where m.segment_id = ? and m.profile_id = l.profile_id)';
  return definition.source.segment ? `(${notIn} or ${notIn})` : notIn;
}
function leftArgs(definition: SyncDefinition, segment: string): string[] {
  return definition.source.segment ? [segment, definition.source.segment] : [segment];
}

async function applyBatch(
  options: ListPassOptions,
  list: string,
  change: 'add' | 'remove',
  batch: Array<{ profileId: string; email: string }>,
  counts: ListPassCounts,
) {
  const { deps, syncId, runId, destination, ctx, config } = options;
  const records: DestinationRecord[] = batch.map((row) => ({
    profileId: row.profileId,
    email: row.email,
    fields: {},
  }));
  const results = await deliverBatch(
    (part) =>
      change === 'add'
        ? destination.setMembership!(ctx, config, list, part, [])
        : destination.setMembership!(ctx, config, list, [], part),
    records,
    options.delivery,
  );
  const now = deps.now();
  const emailOf = new Map(batch.map((row) => [row.profileId, row.email]));
  const ok = results.filter((result) => result.status === 'ok').map((result) => result.profileId);
  const failed = results.filter((result) => result.status === 'failed');
  counts[change === 'add' ? 'added' : 'removed'] += ok.length;
  counts.failed += failed.length;
  const writes: Statement[] = [];
  if (change === 'add') {
    writes.push(
      ...bulkInsert(
        syncListMembers,
        ok.map((profileId) => ({ syncId, list, profileId, email: emailOf.get(profileId)!, addedAt: now })),
        deps.sqlParamLimit,
        'on conflict do nothing',
      ),
    );
  } else {
    for (const chunk of chunked(ok, deps.sqlParamLimit, 1, 2)) {
      writes.push({
        kind: 'raw',
        sql: `delete from sync_list_members where sync_id = ? and list = ? and profile_id in (${placeholders(chunk.length)})`,
        args: [syncId, list, ...chunk],
      });
    }
  }
  writes.push(
    ...bulkInsert(
      syncFailures,
      failed.map((result) => ({
        syncId,
        profileId: result.profileId,
        runId,
        error: { ...(result.status === 'failed' ? result.error : {}), list, change },
        attempts: 1,
        failedAt: now,
      })),
      deps.sqlParamLimit,
      'on conflict (sync_id, profile_id) do update set run_id = excluded.run_id, error_json = excluded.error_json, ' +
        'attempts = sync_failures.attempts + 1, failed_at = excluded.failed_at',
    ),
  );
  await atomic(deps.db, writes);
}
