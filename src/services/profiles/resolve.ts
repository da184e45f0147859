import { eq } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { profiles } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';

export type ProfileRow = typeof profiles.$inferSelect;

export interface ResolvedProfile {
  /** The surviving profile: the person. */
  profile: ProfileRow;
  /** The id the caller named, when it was a merged id that resolved to `profile`. */
  requestedId?: string;
}

// Merges repoint earlier merged ids at the new survivor, so chains should not exist; the bound only
// keeps a corrupt cycle from looping forever.
const MAX_HOPS = 8;

/**
 * Follows `mergedInto` from `id` to the surviving profile. Unknown ids answer 404; erased ones
 * (the requested row or its survivor is a tombstone) answer the erased error.
 */
export async function resolveProfile(deps: AppDeps, id: string): Promise<ResolvedProfile> {
  let row = await profileRow(deps, id);
  if (!row) throw new AppError('not_found', `no profile ${id}`);
  for (let hops = 0; ; hops++) {
    if (row.deletedAt) throw erasedError(row.deletedAt);
    if (!row.mergedInto) break;
    if (hops >= MAX_HOPS) throw new Error(`profile ${id}: mergedInto chain longer than ${MAX_HOPS}`);
    const next: ProfileRow | undefined = await profileRow(deps, row.mergedInto);
    if (!next) throw new Error(`profile ${row.id} is merged into missing profile ${row.mergedInto}`);
    row = next;
  }
  return row.id === id ? { profile: row } : { profile: row, requestedId: id };
}

async function profileRow(deps: AppDeps, id: string): Promise<ProfileRow | undefined> {
  const [row] = await deps.db.select().from(profiles).where(eq(profiles.id, id));
  return row;
}

/**
 * What a tombstone answers. A 404 (not 410) until the error map has a `gone` code; the message
 * says it was erased so an operator can tell "erased" from "never existed".
 */
export function erasedError(deletedAt: Date): AppError {
  return new AppError('gone', `profile was erased on ${deletedAt.toISOString()}`);
}

/** The ids folded into `survivorId` (merges repoint older merged ids at the survivor: no chains). */
export async function mergedIdsOf(deps: AppDeps, survivorId: string): Promise<string[]> {
  const rows = await deps.db
    .select({ id: profiles.id })
    .from(profiles)
    .where(eq(profiles.mergedInto, survivorId))
    .orderBy(profiles.id);
  return rows.map((row) => row.id);
}
