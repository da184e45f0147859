import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Profiles whose send-time answer may have changed, written by triggers (migration 0013) on every
 * table the webhook reads per recipient: names, merges and erasure, identity repointing, the
 * precomputed list, scores, metrics, memberships. The database reports the change whoever wrote
 * it (ingest, merges, erasure, the nightly runs, a CLI), so the Node server's in-memory serving
 * index (src/services/personalize/serving-index/) follows them instead of every write path
 * notifying it. `seq` is AUTOINCREMENT so it never goes back when the table is emptied: a reader
 * that finds a gap after its watermark knows rows were pruned before it read them and reloads.
 */
export const servingChanges = sqliteTable('serving_changes', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  profileId: text('profile_id').notNull(),
  /** Unix seconds, for pruning where no index follows the log (D1, a libSQL server). */
  at: integer('at').notNull().default(sql`(unixepoch())`),
});
