import { and, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import {
  consent,
  events,
  identities,
  mergeBlocks,
  merges,
  orders,
  profiles,
  profileTraits,
} from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { pairKey } from '../../identity/deterministic/types.js';
import { recomputeProfiles } from '../../ingest/profile-state.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { loadSettings } from '../settings.js';
import { publicMerge } from './explain.js';

/**
 * Splits a merge back apart, from the merge log: every row whose origin is the merged profile (or a
 * profile that had been merged into it before) returns to it; rows that arrived on the survivor
 * after the merge stay. The pair is blocked so the resolver does not merge it again by itself.
 */
export async function unmerge(deps: AppDeps, actor: AuditActor, mergeId: string) {
  const [merge] = await deps.db.select().from(merges).where(eq(merges.id, mergeId));
  if (!merge) throw new AppError('not_found', `merge ${mergeId} does not exist`);
  if (merge.undoneAt)
    throw new AppError('conflict', `merge ${mergeId} was already undone on ${merge.undoneAt.toISOString()}`);
  const [survivorRow] = await deps.db.select().from(profiles).where(eq(profiles.id, merge.survivorId));
  const [mergedRow] = await deps.db.select().from(profiles).where(eq(profiles.id, merge.mergedId));
  if (survivorRow?.deletedAt || mergedRow?.deletedAt)
    throw new AppError('gone', 'this merge involves an erased profile');
  if (survivorRow?.mergedInto) {
    throw new AppError(
      'conflict',
      `the survivor ${merge.survivorId} was itself merged into ${survivorRow.mergedInto}; undo that merge first`,
    );
  }

  const restored = await mergedBefore(deps, merge.mergedId, merge.createdAt);
  const origins = [...restored];
  const back = merge.mergedId;
  const from = merge.survivorId;
  const now = deps.now();
  const [a, b] = pairKey(from, back).split('|') as [string, string];
  const statements: BatchItem<'sqlite'>[] = [
    deps.db
      .update(identities)
      .set({ profileId: back })
      .where(and(eq(identities.profileId, from), inArray(identities.originProfileId, origins))),
    deps.db
      .update(events)
      .set({ profileId: back })
      .where(and(eq(events.profileId, from), inArray(events.originProfileId, origins))),
    deps.db
      .update(orders)
      .set({ profileId: back })
      .where(and(eq(orders.profileId, from), inArray(orders.originProfileId, origins))),
    deps.db
      .update(profileTraits)
      .set({ profileId: back })
      .where(and(eq(profileTraits.profileId, from), inArray(profileTraits.originProfileId, origins))),
    deps.db
      .update(consent)
      .set({ profileId: back })
      .where(and(eq(consent.profileId, from), inArray(consent.originProfileId, origins))),
    deps.db.update(profiles).set({ mergedInto: null, updatedAt: now }).where(eq(profiles.id, back)),
    deps.db
      .update(profiles)
      .set({ mergedInto: back, updatedAt: now })
      .where(
        inArray(
          profiles.id,
          origins.filter((id) => id !== back),
        ),
      ),
    deps.db
      .update(merges)
      .set({ undoneAt: now, undoneBy: actor.principal?.name ?? 'system' })
      .where(eq(merges.id, mergeId)),
    deps.db
      .insert(mergeBlocks)
      .values({ profileA: a, profileB: b, reason: `unmerge of ${mergeId}`, createdAt: now })
      .onConflictDoNothing(),
    auditInsert(
      deps.db,
      actor,
      {
        action: 'profile.unmerge',
        entityType: 'merge',
        entityId: mergeId,
        // Evidence holds identifier values: the audit log keeps ids only.
        before: { ...publicMerge(merge), evidence: undefined },
        after: { restored: origins },
      },
      now,
    ),
  ];
  await atomic(deps.db, statements);
  await recomputeProfiles(deps, [from, back], await loadSettings(deps));
  return { mergeId, survivorId: from, restoredId: back, restoredProfiles: origins };
}

/** The merged profile and, recursively, profiles merged into it before `until` (still live). */
async function mergedBefore(deps: AppDeps, root: string, until: Date): Promise<Set<string>> {
  const found = new Set([root]);
  const queue = [root];
  while (queue.length) {
    const id = queue.pop()!;
    const rows = await deps.db
      .select({ mergedId: merges.mergedId })
      .from(merges)
      .where(and(eq(merges.survivorId, id), isNull(merges.undoneAt), lt(merges.createdAt, until)));
    for (const row of rows) {
      if (!found.has(row.mergedId)) {
        found.add(row.mergedId);
        queue.push(row.mergedId);
      }
    }
  }
  return found;
}
