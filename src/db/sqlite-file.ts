import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.js';
import * as schema from './schema/index.js';

/**
 * Node-only: the embedded database, a SQLite file through better-sqlite3, migrated from
 * migrations/. The libSQL client is kept for libSQL servers (src/db/libsql.ts) but not used for
 * local files: its native binding keeps growing resident memory under sustained bulk writes
 * (measured here: ~6 KB per ingested record, i.e. gigabytes for a million; see
 * tursodatabase/libsql-client-ts#333), while better-sqlite3 stays flat and runs faster.
 *
 * better-sqlite3 is synchronous: drizzle's query builders still work with `await` (a plain value
 * is awaited as itself), and `atomic()` runs batches in one SQLite transaction.
 */
export function openSqliteFile(options: { path: string; migrationsFolder: string }): {
  db: Db;
  close(): void;
} {
  const client = new Database(options.path);
  // WAL lets the readiness probe and the scheduler read while a sync writes; busy_timeout waits
  // out another process's write lock instead of failing; FULL keeps every commit on disk before
  // the request that made it is answered.
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
  // Identity keys and ids are random, so index inserts touch pages all over the file; SQLite's
  // default 2 MB page cache made every batch re-read them. 128 MB keeps the hot indexes in memory.
  client.pragma('cache_size = -131072');
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder: options.migrationsFolder });
  return { db: db as unknown as Db, close: () => client.close() };
}
