import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './client.js';

/**
 * Runs a fixed list of statements atomically. D1 has no interactive transactions, so multi-write
 * steps are expressed as a batch, which both D1 and libSQL run in one transaction.
 */
export async function atomic(db: Db, statements: readonly BatchItem<'sqlite'>[]): Promise<void> {
  if (statements.length === 0) return;
  const batching = db as unknown as { batch(items: readonly BatchItem<'sqlite'>[]): Promise<unknown> };
  if (typeof batching.batch !== 'function') throw new Error('database driver does not support batch()');
  await batching.batch(statements);
}
