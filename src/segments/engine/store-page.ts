import type { AppDeps } from '../../app-deps.js';
import { atomic, type Statement } from '../../db/atomic.js';
import { bulkInsert } from '../../db/bulk.js';
import { chunked, selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect } from '../../db/raw-select.js';
import { segmentChecks, segmentMembershipHistory, segmentMemberships } from '../../db/schema/segments.js';
import { membershipReason } from '../rules/index.js';
import type { ActiveSegment } from './active-segments.js';
import type { ProfileResult } from './evaluate-page.js';

export interface MembershipChange {
  segmentId: string;
  profileId: string;
  change: 'entered' | 'left';
}

/**
 * Stores the results of one page of profiles as differences: memberships entered and left (with
 * history and the conditions that decided), and each profile's next time-based check. Profiles
 * asked about but no longer live (merged away, erased) leave every segment. Unchanged profiles
 * cost a read and no write, so a recompute over stable data writes almost nothing.
 */
export async function storePage(
  deps: AppDeps,
  requestedIds: readonly string[],
  results: readonly ProfileResult[],
  segments: readonly ActiveSegment[],
  now: number,
): Promise<MembershipChange[]> {
  const { db, sqlParamLimit } = deps;
  const ids = [...new Set(requestedIds)];
  const [memberRows, checkRows] = await Promise.all([
    selectInChunks(ids, sqlParamLimit, (chunk) =>
      rawSelect<{ segmentId: string; profileId: string }>(
        db,
        `select segment_id as segmentId, profile_id as profileId from segment_memberships where profile_id in (${placeholders(chunk.length)})`,
        chunk,
      ),
    ),
    selectInChunks(ids, sqlParamLimit, (chunk) =>
      rawSelect<{ profileId: string; dueAt: number }>(
        db,
        `select profile_id as profileId, due_at as dueAt from segment_checks where profile_id in (${placeholders(chunk.length)})`,
        chunk,
      ),
    ),
  ]);
  const current = new Map<string, Set<string>>();
  for (const row of memberRows) {
    const set = current.get(row.profileId) ?? new Set<string>();
    set.add(row.segmentId);
    current.set(row.profileId, set);
  }
  const dueNow = new Map(checkRows.map((row) => [row.profileId, row.dueAt]));
  const active = new Set(segments.map((segment) => segment.id));

  const changes: MembershipChange[] = [];
  const entered: Array<typeof segmentMemberships.$inferInsert> = [];
  const leftBySegment = new Map<string, string[]>();
  const history: Array<typeof segmentMembershipHistory.$inferInsert> = [];
  const checkUpserts: Array<typeof segmentChecks.$inferInsert> = [];
  const checkDeletes: string[] = [];
  const at = new Date(now);
  const leave = (segmentId: string, profileId: string, reason: string) => {
    const list = leftBySegment.get(segmentId) ?? [];
    list.push(profileId);
    leftBySegment.set(segmentId, list);
    history.push({ segmentId, profileId, change: 'left', reason, at });
    changes.push({ segmentId, profileId, change: 'left' });
  };

  const live = new Set<string>();
  for (const result of results) {
    const profileId = result.snapshot.profileId;
    live.add(profileId);
    const before = current.get(profileId) ?? new Set<string>();
    for (const segment of segments) {
      const was = before.has(segment.id);
      const is = result.members.has(segment.id);
      if (was === is) continue;
      if (!segment.populated && is) {
        entered.push({ segmentId: segment.id, profileId, enteredAt: at });
        changes.push({ segmentId: segment.id, profileId, change: 'entered' });
        continue;
      }
      const reason = membershipReason(undefined, segment.compiled.explain(result.snapshot, now));
      if (is) {
        entered.push({ segmentId: segment.id, profileId, enteredAt: at });
        history.push({ segmentId: segment.id, profileId, change: 'entered', reason, at });
        changes.push({ segmentId: segment.id, profileId, change: 'entered' });
      } else {
        leave(segment.id, profileId, reason);
      }
    }
    const stored = dueNow.get(profileId);
    if (result.dueAt === null) {
      if (stored !== undefined) checkDeletes.push(profileId);
    } else if (stored !== result.dueAt) {
      checkUpserts.push({ profileId, dueAt: new Date(result.dueAt) });
    }
  }
  for (const profileId of ids) {
    if (live.has(profileId)) continue;
    for (const segmentId of current.get(profileId) ?? []) {
      if (active.has(segmentId)) leave(segmentId, profileId, 'left: profile merged into another or erased');
    }
    if (dueNow.has(profileId)) checkDeletes.push(profileId);
  }

  const writes: Statement[] = [
    ...bulkInsert(segmentMemberships, entered, sqlParamLimit, 'on conflict do nothing'),
    ...bulkInsert(segmentMembershipHistory, history, sqlParamLimit),
    ...bulkInsert(
      segmentChecks,
      checkUpserts,
      sqlParamLimit,
      'on conflict (profile_id) do update set due_at = excluded.due_at',
    ),
  ];
  for (const [segmentId, profileIds] of leftBySegment) {
    for (const chunk of chunked(profileIds, sqlParamLimit, 1, 1)) {
      writes.push({
        kind: 'raw',
        sql: `delete from segment_memberships where segment_id = ? and profile_id in (${placeholders(chunk.length)})`,
        args: [segmentId, ...chunk],
      });
    }
  }
  for (const chunk of chunked(checkDeletes, sqlParamLimit)) {
    writes.push({
      kind: 'raw',
      sql: `delete from segment_checks where profile_id in (${placeholders(chunk.length)})`,
      args: chunk,
    });
  }
  await atomic(db, writes);
  return changes;
}
