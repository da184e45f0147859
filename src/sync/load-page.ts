import { and, asc, gt, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import { consent, identities, profileMetrics, profiles, syncFingerprints } from '../db/schema/index.js';
import type { ProfileView } from './map-profile.js';

/** What was last delivered for a profile: its fingerprint and which fields were filled. */
export interface Delivered {
  fingerprint: string;
  filled: string | null;
}

export type ProfilePage = Awaited<ReturnType<typeof loadProfilePage>>;

/** One page of live profiles after `afterId`, with everything mapping reads and what was last delivered. */
export async function loadProfilePage(
  deps: AppDeps,
  syncId: string,
  afterId: string | null,
  pageSize: number,
) {
  const { db, sqlParamLimit } = deps;
  const rows = await db
    .select({ id: profiles.id, traits: profiles.traits })
    .from(profiles)
    .where(
      and(
        isNull(profiles.mergedInto),
        isNull(profiles.deletedAt),
        afterId ? gt(profiles.id, afterId) : undefined,
      ),
    )
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
      { id: row.id, traits: row.traits, metrics: undefined, identities: {}, consent: {} },
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
  return {
    views: ids.map((id) => views.get(id)!),
    delivered: new Map<string, Delivered>(
      fingerprintRows.map((row) => [row.profileId, { fingerprint: row.fingerprint, filled: row.filled }]),
    ),
    lastId: ids.at(-1) ?? null,
  };
}
