import { inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import {
  profileRecommendations,
  profileScores,
  recommendationRefreshQueue,
  segmentChecks,
  segmentMembershipHistory,
  segmentMemberships,
  servingChanges,
  syncListMembers,
} from '../../db/schema/index.js';

/**
 * What ESP Hub derived about the person: model scores, segment memberships with their history
 * and next scheduled check, the precomputed recommendations (and a rescore still pending after
 * recent activity), the destination lists syncs put the person in, and changes to the person that
 * the serving index has yet to apply.
 */
export async function derivedSections(deps: AppDeps, owners: string[]) {
  const { db, sqlParamLimit } = deps;
  const byOwner = <R>(query: (chunk: string[]) => Promise<R[]>) =>
    selectInChunks(owners, sqlParamLimit, query);
  const [scores, memberships, history, checks, recommendations, pending, lists, serving] = await Promise.all([
    byOwner((chunk) => db.select().from(profileScores).where(inArray(profileScores.profileId, chunk))),
    byOwner((chunk) =>
      db.select().from(segmentMemberships).where(inArray(segmentMemberships.profileId, chunk)),
    ),
    byOwner((chunk) =>
      db.select().from(segmentMembershipHistory).where(inArray(segmentMembershipHistory.profileId, chunk)),
    ),
    byOwner((chunk) => db.select().from(segmentChecks).where(inArray(segmentChecks.profileId, chunk))),
    byOwner((chunk) =>
      db.select().from(profileRecommendations).where(inArray(profileRecommendations.profileId, chunk)),
    ),
    byOwner((chunk) =>
      db
        .select()
        .from(recommendationRefreshQueue)
        .where(inArray(recommendationRefreshQueue.profileId, chunk)),
    ),
    byOwner((chunk) => db.select().from(syncListMembers).where(inArray(syncListMembers.profileId, chunk))),
    byOwner((chunk) => db.select().from(servingChanges).where(inArray(servingChanges.profileId, chunk))),
  ]);
  return {
    scores,
    segmentMemberships: memberships,
    segmentHistory: history.sort((a, b) => a.at.getTime() - b.at.getTime()),
    segmentChecks: checks,
    recommendations,
    recommendationRefresh: pending.map((row) => ({
      profileId: row.profileId,
      queuedAt: new Date(row.queuedAt),
    })),
    // Which destination lists syncs put the person in, with the email they were added under.
    syncLists: lists,
    // Changes the send-time serving index has not applied yet (the id and when; pruned within a day).
    servingChanges: serving.map((row) => ({ profileId: row.profileId, at: new Date(row.at * 1000) })),
  };
}
