import type { BatchItem } from 'drizzle-orm/batch';
import { isRawStatement, type RawStatement } from './bulk.js';
import type { Db } from './client.js';

export type Statement = BatchItem<'sqlite'> | RawStatement;

interface LibsqlClient {
  batch(statements: Array<{ sql: string; args: unknown[] }>, mode: 'write'): Promise<unknown>;
}
interface D1Client {
  prepare(sql: string): { bind(...args: unknown[]): unknown };
  batch(statements: unknown[]): Promise<unknown>;
}

/**
 * Runs a fixed list of statements atomically. D1 has no interactive transactions, so multi-write
 * steps are expressed as a batch, which both D1 and libSQL run in one transaction. Raw statements
 * (bulk inserts) go to the driver's own batch together with the drizzle queries, turned into SQL.
 */
export async function atomic(db: Db, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (!statements.some(isRawStatement)) {
    const batching = db as unknown as { batch(items: readonly Statement[]): Promise<unknown> };
    if (typeof batching.batch !== 'function') throw new Error('database driver does not support batch()');
    await batching.batch(statements);
    return;
  }
  const raw = statements.map((statement) => {
    if (isRawStatement(statement)) return statement;
    const { sql, params } = (statement as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
    return { kind: 'raw' as const, sql, args: params };
  });
  const client = (db as unknown as { $client: LibsqlClient | D1Client }).$client;
  if ('prepare' in client) {
    await client.batch(raw.map((statement) => client.prepare(statement.sql).bind(...statement.args)));
  } else {
    await client.batch(
      raw.map((statement) => ({ sql: statement.sql, args: statement.args })),
      'write',
    );
  }
}
