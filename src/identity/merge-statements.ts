import type { RawStatement } from '../db/bulk.js';

/**
 * The writes that fold profile `merged` into `survivor`: every row that hangs off a profile moves
 * (keeping its origin, so an unmerge can move it back), the merged profile points at the survivor
 * (and so do profiles that were merged into it earlier: no chains), its metrics go (the survivor's
 * are recomputed from the moved rows).
 *
 * Raw SQL with fixed texts rather than drizzle's builder: a bulk import plans tens of thousands of
 * merges, and building each query through the builder cost more than SQLite spent running it.
 */
export function mergeStatements(survivor: string, merged: string, now: Date): RawStatement[] {
  const at = now.getTime();
  return [
    ...MOVE_ROWS.map((sql) => raw(sql, [survivor, merged])),
    raw(MARK_MERGED, [survivor, at, merged, merged]),
    raw(TOUCH_SURVIVOR, [at, survivor]),
    raw(DROP_METRICS, [merged]),
  ];
}

const MOVE_ROWS = ['identities', 'events', 'orders', 'profile_traits', 'consent'].map(
  (table) => `update ${table} set profile_id = ? where profile_id = ?`,
);
const MARK_MERGED = 'update profiles set merged_into = ?, updated_at = ? where id = ? or merged_into = ?';
const TOUCH_SURVIVOR = 'update profiles set updated_at = ? where id = ?';
const DROP_METRICS = 'delete from profile_metrics where profile_id = ?';

function raw(sql: string, args: unknown[]): RawStatement {
  return { kind: 'raw', sql, args };
}
