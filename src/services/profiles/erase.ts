import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { chunked, selectInChunks } from '../../db/chunk.js';
import { isUniqueViolation } from '../../db/errors.js';
import {
  auditLog,
  consent,
  deletions,
  events,
  identities,
  identityConflicts,
  matchReviews,
  merges,
  orders,
  profileMatchKeys,
  profileMetrics,
  profileRecommendations,
  profileScores,
  profiles,
  profileTraits,
  recommendationRefreshQueue,
  segmentChecks,
  segmentMembershipHistory,
  segmentMemberships,
  suppressions,
  syncFailures,
  syncFingerprints,
  syncListMembers,
} from '../../db/schema/index.js';
import { serialized } from '../../ingest/serialize.js';
import { newId } from '../../lib/ids.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { erasedIdentifiers, sealErasedIdentifiers } from './erased-identifiers.js';
import { mergedIdsOf, resolveProfile } from './resolve.js';

/**
 * GDPR erasure of a person (the survivor and every id merged into it), in one atomic batch:
 * - deleted: identities, every source's trait values, events, consent, metrics, probabilistic
 *   blocking keys (derived from traits), identity conflicts and match reviews naming the person
 *   (they carry identifier values or pair evidence);
 * - kept without PII: the profile rows as tombstones (traits emptied, `deletedAt` set) so old ids
 *   answer "erased" and syncs can tell; orders (revenue and product history stay right) with their
 *   free-form properties cleared, still linked to the tombstone; merge-log rows with their evidence
 *   (identifier values) replaced, also in the audit entries that copied it; merge blocks (ids and
 *   an admin's reason only); other audit entries (they hold ids, never PII);
 * - recorded: a `deletions` row holding the person's identifiers sealed, for the sync engine to
 *   delete the person at every destination, and an audit entry with ids and counts only.
 * Runs in ingest's per-database queue so an ingest batch of this process cannot interleave.
 */
export function eraseProfile(deps: AppDeps, actor: AuditActor, id: string) {
  return serialized(deps.db, () => eraseNow(deps, actor, id));
}

async function eraseNow(deps: AppDeps, actor: AuditActor, id: string) {
  const { profile, requestedId } = await resolveProfile(deps, id);
  const owners = [profile.id, ...(await mergedIdsOf(deps, profile.id))];
  const { db, sqlParamLimit } = deps;
  const now = deps.now();

  const identityRows = await selectInChunks(owners, sqlParamLimit, (chunk) =>
    db
      .select({ type: identities.type, value: identities.value, rawValue: identities.rawValue })
      .from(identities)
      .where(inArray(identities.profileId, chunk)),
  );
  const sealed = await sealErasedIdentifiers(deps, erasedIdentifiers(owners, identityRows));
  const mergeIds = (
    await selectInChunks(owners, Math.floor(sqlParamLimit / 2), (chunk) =>
      db
        .select({ id: merges.id })
        .from(merges)
        .where(or(inArray(merges.survivorId, chunk), inArray(merges.mergedId, chunk))),
    )
  ).map((row) => row.id);
  const counts = {
    identities: identityRows.length,
    traitValues: await countOwned(deps, profileTraits, profileTraits.profileId, owners),
    events: await countOwned(deps, events, events.profileId, owners),
    consent: await countOwned(deps, consent, consent.profileId, owners),
    ordersAnonymized: await countOwned(deps, orders, orders.profileId, owners),
  };

  const deletionId = newId('del');
  const writes: BatchItem<'sqlite'>[] = [];
  const each = (reserved: number, statement: (chunk: string[]) => BatchItem<'sqlite'>) => {
    for (const chunk of chunked(owners, sqlParamLimit, 1, reserved)) writes.push(statement(chunk));
  };
  // Two IN-lists over the same ids: each chunk binds twice.
  const eachPair = (reserved: number, statement: (chunk: string[]) => BatchItem<'sqlite'>) => {
    for (const chunk of chunked(owners, sqlParamLimit, 2, reserved)) writes.push(statement(chunk));
  };

  each(0, (chunk) => db.delete(identities).where(inArray(identities.profileId, chunk)));
  each(0, (chunk) => db.delete(profileTraits).where(inArray(profileTraits.profileId, chunk)));
  each(0, (chunk) => db.delete(events).where(inArray(events.profileId, chunk)));
  each(0, (chunk) => db.delete(consent).where(inArray(consent.profileId, chunk)));
  each(0, (chunk) => db.delete(profileMetrics).where(inArray(profileMetrics.profileId, chunk)));
  each(0, (chunk) => db.delete(profileMatchKeys).where(inArray(profileMatchKeys.profileId, chunk)));
  each(0, (chunk) => db.delete(syncFingerprints).where(inArray(syncFingerprints.profileId, chunk)));
  each(0, (chunk) => db.delete(syncFailures).where(inArray(syncFailures.profileId, chunk)));
  // Derived data: scores, memberships with their history and schedule, recommendations.
  each(0, (chunk) => db.delete(profileScores).where(inArray(profileScores.profileId, chunk)));
  each(0, (chunk) => db.delete(segmentMemberships).where(inArray(segmentMemberships.profileId, chunk)));
  each(0, (chunk) =>
    db.delete(segmentMembershipHistory).where(inArray(segmentMembershipHistory.profileId, chunk)),
  );
  each(0, (chunk) => db.delete(segmentChecks).where(inArray(segmentChecks.profileId, chunk)));
  each(0, (chunk) =>
    db.delete(profileRecommendations).where(inArray(profileRecommendations.profileId, chunk)),
  );
  each(0, (chunk) =>
    db.delete(recommendationRefreshQueue).where(inArray(recommendationRefreshQueue.profileId, chunk)),
  );
  // The contact is deleted at every destination, lists included.
  each(0, (chunk) => db.delete(syncListMembers).where(inArray(syncListMembers.profileId, chunk)));
  // A pending push has nothing left to send (the erasure deletes the person everywhere).
  each(0, (chunk) => db.delete(suppressions).where(inArray(suppressions.profileId, chunk)));
  each(1, (chunk) => db.update(orders).set({ properties: {} }).where(inArray(orders.profileId, chunk)));
  eachPair(1, (chunk) =>
    db
      .update(merges)
      .set({ evidence: { erased: true } })
      .where(or(inArray(merges.survivorId, chunk), inArray(merges.mergedId, chunk))),
  );
  // Unmerge audit entries copy the merge row, evidence included: scrub that copy too.
  for (const chunk of chunked([...new Set(mergeIds)], sqlParamLimit, 1, 1)) {
    writes.push(
      db
        .update(auditLog)
        .set({
          before: scrubEvidence(auditLog.before),
          after: scrubEvidence(auditLog.after),
        })
        .where(and(eq(auditLog.entityType, 'merge'), inArray(auditLog.entityId, chunk))),
    );
  }
  each(0, (chunk) =>
    db
      .delete(identityConflicts)
      .where(
        sql`exists (select 1 from json_each(${identityConflicts.profileIds}) where json_each.value in ${chunk})`,
      ),
  );
  eachPair(0, (chunk) =>
    db
      .delete(matchReviews)
      .where(or(inArray(matchReviews.profileA, chunk), inArray(matchReviews.profileB, chunk))),
  );
  each(4, (chunk) =>
    db
      .update(profiles)
      .set({ traits: {}, traitSources: {}, deletedAt: now, updatedAt: now })
      .where(inArray(profiles.id, chunk)),
  );
  writes.push(
    db.insert(deletions).values({
      id: deletionId,
      profileId: profile.id,
      identifiersSealed: sealed,
      requestedBy: actor.principal?.keyId ?? 'system',
      requestedAt: now,
      propagation: {},
    }),
    auditInsert(
      db,
      actor,
      {
        action: 'profile.erase',
        entityType: 'profile',
        entityId: profile.id,
        after: { deletionId, erasedProfileIds: owners, counts },
      },
      now,
    ),
  );
  try {
    await atomic(db, writes);
  } catch (error) {
    // Another instance erased the person between our read and our batch (a unique index on
    // deletions.profile_id turns that race into this rollback): answer as for any erased profile.
    if (isUniqueViolation(error)) await resolveProfile(deps, id);
    throw error;
  }
  return {
    deletionId,
    id: profile.id,
    ...(requestedId ? { requestedId } : {}),
    erasedProfileIds: owners,
    erasedAt: now.toISOString(),
    status: 'pending' as const,
    counts,
  };
}

const scrubEvidence = (column: SQLiteColumn) =>
  sql`case when json_type(${column}, '$.evidence') is not null then json_set(${column}, '$.evidence', json('{"erased":true}')) else ${column} end`;

async function countOwned(deps: AppDeps, table: SQLiteTable, column: SQLiteColumn, owners: string[]) {
  const rows = await selectInChunks(owners, deps.sqlParamLimit, (chunk) =>
    deps.db.select({ n: count() }).from(table).where(inArray(column, chunk)),
  );
  return rows.reduce((sum, row) => sum + row.n, 0);
}
