import { eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { profiles } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';

/** The live profile an id stands for: itself, or the survivor it was merged into. */
export async function canonicalProfileIds(deps: AppDeps, ids: string[]): Promise<Map<string, string>> {
  const rows = await deps.db
    .select({ id: profiles.id, mergedInto: profiles.mergedInto })
    .from(profiles)
    .where(inArray(profiles.id, ids));
  // Merges flatten chains (merged profiles point straight at the survivor), so one hop suffices.
  return new Map(rows.map((row) => [row.id, row.mergedInto ?? row.id]));
}

export async function requireCanonical(deps: AppDeps, id: string, field = 'profile'): Promise<string> {
  const canonical = (await canonicalProfileIds(deps, [id])).get(id);
  if (!canonical) throw new AppError('not_found', `${field} ${id} does not exist`);
  // A tombstone must never become a survivor: the live person would then read as erased.
  const [row] = await deps.db
    .select({ deletedAt: profiles.deletedAt })
    .from(profiles)
    .where(eq(profiles.id, canonical));
  if (row?.deletedAt)
    throw new AppError('gone', `${field} ${id} was erased on ${row.deletedAt.toISOString()}`);
  return canonical;
}
