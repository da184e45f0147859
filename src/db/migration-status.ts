import { sql } from 'drizzle-orm';
import journal from '../../migrations/meta/_journal.json';
import type { Db } from './client.js';

/** Which migrations the code expects, from drizzle-kit's journal (bundled into the Worker too). */
export const expectedMigrations: ReadonlyArray<{ tag: string; when: number }> = journal.entries.map(
  (entry) => ({
    tag: entry.tag,
    when: entry.when,
  }),
);

export interface MigrationStatus {
  current: boolean;
  applied: number;
  expected: number;
  pending: string[];
}

/**
 * The two appliers keep different ledgers: drizzle's migrator writes `__drizzle_migrations`
 * (keyed by the journal's `when`), `wrangler d1 migrations apply` writes `d1_migrations` (by file name).
 */
export type MigrationLedger = 'drizzle' | 'd1';

export async function migrationStatus(db: Db, ledger: MigrationLedger): Promise<MigrationStatus> {
  const appliedTags = ledger === 'drizzle' ? await drizzleApplied(db) : await d1Applied(db);
  const pending = expectedMigrations.filter((m) => !appliedTags.has(m.tag)).map((m) => m.tag);
  return {
    current: pending.length === 0,
    applied: appliedTags.size,
    expected: expectedMigrations.length,
    pending,
  };
}

async function drizzleApplied(db: Db): Promise<Set<string>> {
  if (!(await tableExists(db, '__drizzle_migrations'))) return new Set();
  const rows = await db.all<{ created_at: number }>(sql`select created_at from __drizzle_migrations`);
  const appliedWhen = new Set(rows.map((row) => Number(row.created_at)));
  return new Set(expectedMigrations.filter((m) => appliedWhen.has(m.when)).map((m) => m.tag));
}

async function d1Applied(db: Db): Promise<Set<string>> {
  if (!(await tableExists(db, 'd1_migrations'))) return new Set();
  const rows = await db.all<{ name: string }>(sql`select name from d1_migrations`);
  return new Set(rows.map((row) => row.name.replace(/\.sql$/, '')));
}

async function tableExists(db: Db, name: string): Promise<boolean> {
  const rows = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name = ${name}`,
  );
  return rows.length > 0;
}
