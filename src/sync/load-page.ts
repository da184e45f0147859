import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import {
  consent,
  identities,
  profileMetrics,
  profiles,
  segmentMemberships,
  syncFingerprints,
} from '../db/schema/index.js';
import { loadScores, type ScoreValues } from '../services/scores/read.js';
import { primarySegments } from '../services/segments/primary.js';
import type { SyncDefinition } from './definition.js';
import type { ProfileView } from './map-profile.js';
import { recommendationFields } from './recommendation-fields.js';

/** What was last delivered for a profile: its fingerprint and which fields were filled. */
export interface Delivered {
  fingerprint: string;
  filled: string | null;
}

export type ProfilePage = Awaited<ReturnType<typeof loadProfilePage>>;

/** What a sync's pages must carry beyond traits, metrics, identities and consent. */
export interface PageScope {
  /** Only members of this segment (the sync's source). */
  sourceSegment?: string;
  scores: boolean;
  segments: boolean;
  primarySegments: boolean;
  /** How many recommendation slots the mapping reads (recs.1 … recs.N); 0 for none. */
  recommendations: number;
}

export function pageScopeOf(definition: SyncDefinition): PageScope {
  const from = definition.fields.map((field) => field.from);
  return {
    ...(definition.source.segment ? { sourceSegment: definition.source.segment } : {}),
    scores: from.some((source) => source.startsWith('scores.')),
    segments: from.some((source) => source.startsWith('segments.')),
    primarySegments: from.some((source) => source.startsWith('primary_segment.')),
    recommendations: Math.max(
      0,
      ...from.filter((source) => source.startsWith('recs.')).map((source) => Number(source.split('.')[1])),
    ),
  };
}

/** One page of live profiles after `afterId`, with everything mapping reads and what was last delivered. */
export async function loadProfilePage(
  deps: AppDeps,
  syncId: string,
  afterId: string | null,
  pageSize: number,
  scope: PageScope = { scores: false, segments: false, primarySegments: false, recommendations: 0 },
) {
  const { db, sqlParamLimit } = deps;
  const live = and(
    isNull(profiles.mergedInto),
    isNull(profiles.deletedAt),
    afterId ? gt(profiles.id, afterId) : undefined,
  );
  const rows = scope.sourceSegment
    ? await db
        .select({ id: profiles.id, traits: profiles.traits })
        .from(profiles)
        .innerJoin(
          segmentMemberships,
          and(
            eq(segmentMemberships.profileId, profiles.id),
            eq(segmentMemberships.segmentId, scope.sourceSegment),
          ),
        )
        .where(live)
        .orderBy(asc(profiles.id))
        .limit(pageSize)
    : await db
        .select({ id: profiles.id, traits: profiles.traits })
        .from(profiles)
        .where(live)
        .orderBy(asc(profiles.id))
        .limit(pageSize);
  const ids = rows.map((row) => row.id);
  const [identityRows, metricRows, consentRows, fingerprintRows] = await Promise.all([
    selectInChunks(ids, sqlParamLimit, (chunk) =>
      db
        .select({
          profileId: identities.profileId,
          type: identities.type,
          value: identities.value,
          firstSeenAt: identities.firstSeenAt,
        })
        .from(identities)
        .where(inArray(identities.profileId, chunk)),
    ),
    selectInChunks(ids, sqlParamLimit, (chunk) =>
      db.select().from(profileMetrics).where(inArray(profileMetrics.profileId, chunk)),
    ),
    selectInChunks(ids, sqlParamLimit, (chunk) =>
      db.select().from(consent).where(inArray(consent.profileId, chunk)),
    ),
    selectInChunks(
      ids,
      sqlParamLimit,
      (chunk) =>
        db
          .select({
            profileId: syncFingerprints.profileId,
            fingerprint: syncFingerprints.fingerprint,
            filled: syncFingerprints.filledFields,
          })
          .from(syncFingerprints)
          .where(and(inArray(syncFingerprints.profileId, chunk), inArray(syncFingerprints.syncId, [syncId]))),
      1,
    ),
  ]);

  const views = new Map<string, ProfileView>(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        traits: row.traits,
        metrics: undefined,
        identities: {},
        consent: {},
        segments: new Set<string>(),
        primarySegments: new Map<string, string>(),
      },
    ]),
  );
  // The first-seen identifier of each type is the one sent (stable across runs).
  for (const row of identityRows.sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime())) {
    const view = views.get(row.profileId);
    const type = row.type as keyof ProfileView['identities'];
    if (view && (type === 'email' || type === 'phone' || type === 'user_id'))
      view.identities[type] ??= row.value;
  }
  for (const row of metricRows) {
    const view = views.get(row.profileId);
    if (view) view.metrics = row as unknown as Record<string, unknown>;
  }
  const latestConsent = new Map<string, number>();
  for (const row of consentRows) {
    const view = views.get(row.profileId);
    const key = `${row.profileId}\u001f${row.channel}`;
    if (view && (latestConsent.get(key) ?? -1) < row.updatedAt.getTime()) {
      view.consent[row.channel] = row.status;
      latestConsent.set(key, row.updatedAt.getTime());
    }
  }
  await addSegmentData(deps, ids, views, scope);
  return {
    views: ids.map((id) => views.get(id)!),
    delivered: new Map<string, Delivered>(
      fingerprintRows.map((row) => [row.profileId, { fingerprint: row.fingerprint, filled: row.filled }]),
    ),
    lastId: ids.at(-1) ?? null,
  };
}

/** Scores, memberships and primary segments, for syncs whose mapping reads them. */
async function addSegmentData(
  deps: AppDeps,
  ids: string[],
  views: Map<string, ProfileView>,
  scope: PageScope,
) {
  const { db, sqlParamLimit } = deps;
  const [scoreRows, memberRows, primary] = await Promise.all([
    scope.scores ? loadScores(deps, ids) : new Map<string, ScoreValues>(),
    scope.segments
      ? selectInChunks(ids, sqlParamLimit, (chunk) =>
          db
            .select({ profileId: segmentMemberships.profileId, segmentId: segmentMemberships.segmentId })
            .from(segmentMemberships)
            .where(inArray(segmentMemberships.profileId, chunk)),
        )
      : [],
    scope.primarySegments
      ? primarySegments(deps, ids)
      : new Map<string, Map<string, { id: string; name: string }>>(),
  ]);
  for (const [profileId, scores] of scoreRows) {
    const view = views.get(profileId);
    if (view) view.scores = scores;
  }
  for (const row of memberRows) views.get(row.profileId)?.segments?.add(row.segmentId);
  if (scope.recommendations > 0) {
    for (const [profileId, recs] of await recommendationFields(deps, ids, scope.recommendations)) {
      const view = views.get(profileId);
      if (view) view.recs = recs;
    }
  }
  for (const [profileId, groups] of primary) {
    const view = views.get(profileId);
    if (view) for (const [group, segment] of groups) view.primarySegments?.set(group, segment.name);
  }
}
