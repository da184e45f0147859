import { inArray, lt, sql } from 'drizzle-orm';
import type { AppDeps } from '../../../app-deps.js';
import { servingChanges } from '../../../db/schema/index.js';

/** How long a change stays in the log when no serving index applies it (D1, a libSQL server). */
export const SERVING_CHANGES_RETENTION_S = 24 * 60 * 60;
/** Rows deleted per statement, and statements per pass: one pass stays short on D1 and Workers. */
const CHUNK = 2_000;
const MAX_CHUNKS = 50;

/**
 * Deletes change-log rows older than a day. On Node the serving index prunes what it applied as
 * it goes; where none runs (Workers with D1, a shared libSQL server) the triggers still write the
 * log, and this keeps it from growing. A follower a day behind reloads everything anyway.
 */
export async function pruneServingChanges(deps: AppDeps): Promise<{ deleted: number; more: boolean }> {
  const before = Math.floor(deps.now().getTime() / 1000) - SERVING_CHANGES_RETENTION_S;
  let deleted = 0;
  for (let pass = 0; pass < MAX_CHUNKS; pass++) {
    const oldest = deps.db
      .select({ seq: servingChanges.seq })
      .from(servingChanges)
      .where(lt(servingChanges.at, before))
      .orderBy(servingChanges.seq)
      .limit(CHUNK);
    const gone = await deps.db
      .delete(servingChanges)
      .where(inArray(servingChanges.seq, oldest))
      .returning({ seq: sql<number>`seq` });
    deleted += gone.length;
    if (gone.length < CHUNK) return { deleted, more: false };
  }
  return { deleted, more: true };
}
