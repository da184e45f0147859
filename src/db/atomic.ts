import type { BatchItem } from 'drizzle-orm/batch';
import { isRawStatement, type RawStatement } from './bulk.js';
import type { Db } from './client.js';

export type Statement = BatchItem<'sqlite'> | RawStatement;

interface LibsqlClient {
  execute: unknown;
  batch(statements: Array<{ sql: string; args: unknown[] }>, mode: 'write'): Promise<unknown>;
}
interface D1Client {
  prepare(sql: string): { bind(...args: unknown[]): unknown };
  batch(statements: unknown[]): Promise<unknown>;
}
interface BetterSqliteClient {
  prepare(sql: string): { run(...args: unknown[]): unknown };
  transaction<T>(fn: () => T): () => T;
}

/**
 * Runs a fixed list of statements atomically. D1 has no interactive transactions, so multi-write
 * steps are expressed as a batch: D1 and libSQL run it in one transaction, and on the embedded
 * SQLite file it runs inside one synchronous transaction. Raw statements (bulk inserts) go to the
 * driver together with the drizzle queries, which are turned into SQL for it.
 */
export async function atomic(db: Db, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const client = (db as unknown as { $client: LibsqlClient | D1Client | BetterSqliteClient }).$client;
  if ('transaction' in client && !('batch' in client)) {
    runInTransaction(client, statements.map(toRaw));
    return;
  }
  if (!statements.some(isRawStatement)) {
    await (db as unknown as { batch(items: readonly Statement[]): Promise<unknown> }).batch(statements);
    return;
  }
  const raw = statements.map(toRaw);
  if ('prepare' in client) {
    const d1 = client as D1Client;
    await d1.batch(raw.map((statement) => d1.prepare(statement.sql).bind(...statement.args)));
  } else {
    await (client as LibsqlClient).batch(
      raw.map((statement) => ({ sql: statement.sql, args: statement.args })),
      'write',
    );
  }
}

function toRaw(statement: Statement): RawStatement {
  if (isRawStatement(statement)) return statement;
  const { sql, params } = (statement as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
  return { kind: 'raw', sql, args: params };
}

// Ingest repeats the same few statement shapes (see chunkedInBuckets): compile each once.
const prepared = new WeakMap<BetterSqliteClient, Map<string, { run(...args: unknown[]): unknown }>>();
const MAX_CACHED = 512;

function runInTransaction(client: BetterSqliteClient, statements: RawStatement[]): void {
  let cache = prepared.get(client);
  if (!cache) {
    cache = new Map();
    prepared.set(client, cache);
  }
  const statementFor = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_CACHED) cache.clear();
      statement = client.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  client.transaction(() => {
    for (const statement of statements) statementFor(statement.sql).run(...statement.args);
  })();
}
