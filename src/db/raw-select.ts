import { WeakKeyedMemo } from '../lib/maps.js';
import type { Db } from './client.js';

interface BetterSqliteClient {
  prepare(sql: string): { all(...args: unknown[]): unknown[] };
  transaction: unknown;
}
interface D1Client {
  prepare(sql: string): { bind(...args: unknown[]): { all(): Promise<{ results: unknown[] }> } };
  batch: unknown;
}
interface LibsqlClient {
  execute(statement: { sql: string; args: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A SELECT in SQL text with bound arguments, straight to the driver, for the hot paths (ingest,
 * segment pages, the send-time webhook): drizzle's builder spends longer assembling a 10,000-item
 * IN-list than SQLite spends answering it, and on the embedded database each statement text is
 * compiled once. Column names come back as written in the SQL (use `as` for camelCase).
 */
export async function rawSelect<Row>(db: Db, sql: string, args: readonly unknown[]): Promise<Row[]> {
  const client = (db as unknown as { $client: BetterSqliteClient | D1Client | LibsqlClient }).$client;
  if ('transaction' in client && !('batch' in client)) {
    return preparedFor(client, sql).all(...args) as Row[];
  }
  if ('prepare' in client) {
    return (
      await (client as D1Client)
        .prepare(sql)
        .bind(...args)
        .all()
    ).results as Row[];
  }
  return (await (client as LibsqlClient).execute({ sql, args: [...args] })).rows as Row[];
}

/** The embedded database (better-sqlite3): every query completes before the caller's next turn. */
export function isSynchronousDriver(db: Db): boolean {
  const client = (db as unknown as { $client: BetterSqliteClient | D1Client | LibsqlClient }).$client;
  return 'transaction' in client && !('batch' in client);
}

// Page-by-page jobs repeat the same statement texts (an IN-list of a full page's length):
// compiling one with thousands of parameters each time cost more than running it.
const prepared = new WeakKeyedMemo<BetterSqliteClient, { all(...args: unknown[]): unknown[] }>(256);

/** The client's compiled statement for this SQL text (compiled on first use, kept per client). */
export function preparedFor(client: BetterSqliteClient, sql: string) {
  return prepared.get(client, sql, () => client.prepare(sql));
}

/** `?, ?, ?` for an IN-list of `n` items. */
export function placeholders(n: number): string {
  return n === 0 ? '' : `?${', ?'.repeat(n - 1)}`;
}
