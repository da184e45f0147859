import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client.js';
import * as schema from './schema/index.js';

/** Node-only: a libSQL database (embedded file or a libSQL server), migrated from migrations/. */
export async function openLibsqlDatabase(options: {
  url: string;
  authToken?: string;
  migrationsFolder: string;
}): Promise<{ db: Db; close(): void }> {
  const client = createClient({
    url: options.url,
    ...(options.authToken ? { authToken: options.authToken } : {}),
  });
  if (options.url.startsWith('file:')) {
    // WAL lets the readiness probe and the scheduler read while a sync writes; busy_timeout
    // waits out short write locks instead of failing with SQLITE_BUSY.
    await client.execute('pragma journal_mode = wal');
    await client.execute('pragma busy_timeout = 5000');
  }
  await client.execute('pragma foreign_keys = on');
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: options.migrationsFolder });
  return { db, close: () => client.close() };
}
