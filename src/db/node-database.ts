import type { Db } from './client.js';
import { openLibsqlDatabase } from './libsql.js';
import { openSqliteFile } from './sqlite-file.js';

/**
 * The Node entry's database: `file:` URLs are the embedded SQLite file (better-sqlite3); any other
 * libSQL URL (`libsql:`, `http(s):`, `ws(s):`) is a shared libSQL server through @libsql/client.
 */
export async function openNodeDatabase(options: {
  url: string;
  authToken?: string;
  migrationsFolder: string;
}): Promise<{ db: Db; close(): void }> {
  if (options.url.startsWith('file:')) {
    return openSqliteFile({
      path: options.url.slice('file:'.length),
      migrationsFolder: options.migrationsFolder,
    });
  }
  return openLibsqlDatabase(options);
}
