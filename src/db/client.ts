import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema/index.js';

export type Schema = typeof schema;

/**
 * The database as the app sees it: drizzle on SQLite, asynchronous. Both libSQL (Node) and D1
 * (Workers) satisfy it; entry points build the concrete one.
 */
// biome-ignore lint/suspicious/noExplicitAny: the driver's raw result type differs between libSQL and D1
export type Db = BaseSQLiteDatabase<'async', any, Schema>;
