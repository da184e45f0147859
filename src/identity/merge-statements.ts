import { eq, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  consent,
  events,
  identities,
  orders,
  profileMetrics,
  profiles,
  profileTraits,
} from '../db/schema/index.js';

/**
 * The writes that fold profile `merged` into `survivor`: every row that hangs off a profile moves
 * (keeping its origin, so an unmerge can move it back), the merged profile points at the survivor
 * (and so do profiles that were merged into it earlier: no chains), its metrics go (the survivor's
 * are recomputed from the moved rows).
 */
export function mergeStatements(db: Db, survivor: string, merged: string, now: Date) {
  return [
    db.update(identities).set({ profileId: survivor }).where(eq(identities.profileId, merged)),
    db.update(events).set({ profileId: survivor }).where(eq(events.profileId, merged)),
    db.update(orders).set({ profileId: survivor }).where(eq(orders.profileId, merged)),
    db.update(profileTraits).set({ profileId: survivor }).where(eq(profileTraits.profileId, merged)),
    db.update(consent).set({ profileId: survivor }).where(eq(consent.profileId, merged)),
    db
      .update(profiles)
      .set({ mergedInto: survivor, updatedAt: now })
      .where(or(eq(profiles.id, merged), eq(profiles.mergedInto, merged))),
    db.update(profiles).set({ updatedAt: now }).where(eq(profiles.id, survivor)),
    db.delete(profileMetrics).where(eq(profileMetrics.profileId, merged)),
  ] as const;
}
