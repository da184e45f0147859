import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client.js';
import * as schema from './schema/index.js';

/**
 * Node-only: a shared libSQL server (`libsql:`, `http(s):`, `ws(s):`), migrated from migrations/.
 * Embedded files go through better-sqlite3 instead (see sqlite-file.ts and node-database.ts).
 */
export async function openLibsqlDatabase(options: {
  url: string;
  authToken?: string;
  migrationsFolder: string;
}): Promise<{ db: Db; close(): void }> {
  const client = createClient({
    url: options.url,
    ...(options.authToken ? { authToken: options.authToken } : {}),
  });
  await client.execute('pragma foreign_keys = on');
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: options.migrationsFolder });
  return { db, close: () => client.close() };
}
