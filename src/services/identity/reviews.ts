import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { identityConflicts, matchReviews, mergeBlocks } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { pairKey } from '../../identity/deterministic/types.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { mergeProfiles } from './manual-merge.js';

export type ReviewRow = typeof matchReviews.$inferSelect;

export function publicReview(row: ReviewRow) {
  return {
    id: row.id,
    profileA: row.profileA,
    profileB: row.profileB,
    probability: row.probability,
    evidence: row.evidence,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decidedBy: row.decidedBy,
  };
}

export async function listReviews(
  deps: AppDeps,
  query: { status: ReviewRow['status']; limit: number; after?: string },
) {
  const rows = await deps.db
    .select()
    .from(matchReviews)
    .where(
      and(eq(matchReviews.status, query.status), query.after ? gt(matchReviews.id, query.after) : undefined),
    )
    .orderBy(asc(matchReviews.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(publicReview),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

async function pendingReview(deps: AppDeps, id: string): Promise<ReviewRow> {
  const [row] = await deps.db.select().from(matchReviews).where(eq(matchReviews.id, id));
  if (!row) throw new AppError('not_found', `review ${id} does not exist`);
  if (row.status !== 'pending') throw new AppError('conflict', `review ${id} was already ${row.status}`);
  return row;
}

/** Accepting a review merges the pair, with the matcher's score and weights as evidence. */
export async function acceptReview(deps: AppDeps, actor: AuditActor, id: string) {
  const row = await pendingReview(deps, id);
  const merge = await mergeProfiles(deps, actor, {
    a: row.profileA,
    b: row.profileB,
    method: 'manual',
    evidence: { rule: 'review_accepted', reviewId: id, probability: row.probability, ...row.evidence },
  });
  const now = deps.now();
  await atomic(deps.db, [
    deps.db
      .update(matchReviews)
      .set({ status: 'accepted', decidedAt: now, decidedBy: actor.principal?.name ?? 'system' })
      .where(eq(matchReviews.id, id)),
    auditInsert(
      deps.db,
      actor,
      { action: 'review.accept', entityType: 'review', entityId: id, after: { mergeId: merge.mergeId } },
      now,
    ),
  ]);
  return {
    review: publicReview({
      ...row,
      status: 'accepted',
      decidedAt: now,
      decidedBy: actor.principal?.name ?? 'system',
    }),
    merge,
  };
}

/** Rejecting a review keeps the pair apart from then on. */
export async function rejectReview(deps: AppDeps, actor: AuditActor, id: string) {
  const row = await pendingReview(deps, id);
  const now = deps.now();
  const [a, b] = pairKey(row.profileA, row.profileB).split('|') as [string, string];
  await atomic(deps.db, [
    deps.db
      .update(matchReviews)
      .set({ status: 'rejected', decidedAt: now, decidedBy: actor.principal?.name ?? 'system' })
      .where(eq(matchReviews.id, id)),
    deps.db
      .insert(mergeBlocks)
      .values({ profileA: a, profileB: b, reason: `review ${id} rejected`, createdAt: now })
      .onConflictDoNothing(),
    auditInsert(deps.db, actor, { action: 'review.reject', entityType: 'review', entityId: id }, now),
  ]);
  return publicReview({
    ...row,
    status: 'rejected',
    decidedAt: now,
    decidedBy: actor.principal?.name ?? 'system',
  });
}

export async function listConflicts(deps: AppDeps, query: { status: 'open' | 'resolved'; limit: number }) {
  const rows = await deps.db
    .select()
    .from(identityConflicts)
    .where(eq(identityConflicts.status, query.status))
    .orderBy(desc(identityConflicts.createdAt))
    .limit(query.limit);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    profileIds: row.profileIds,
    identifierType: row.identifierType,
    identifierValue: row.identifierValue,
    detail: row.detail,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  }));
}

export async function resolveConflict(deps: AppDeps, actor: AuditActor, id: string) {
  const [row] = await deps.db.select().from(identityConflicts).where(eq(identityConflicts.id, id));
  if (!row) throw new AppError('not_found', `conflict ${id} does not exist`);
  const now = deps.now();
  await atomic(deps.db, [
    deps.db.update(identityConflicts).set({ status: 'resolved' }).where(eq(identityConflicts.id, id)),
    auditInsert(deps.db, actor, { action: 'conflict.resolve', entityType: 'conflict', entityId: id }, now),
  ]);
  return { id, status: 'resolved' as const };
}
