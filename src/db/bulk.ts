import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { chunkedInBuckets } from './chunk.js';

/** A statement already in SQL text and driver values; `atomic` runs these next to drizzle queries. */
export interface RawStatement {
  kind: 'raw';
  sql: string;
  args: unknown[];
}

export function isRawStatement(value: unknown): value is RawStatement {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'raw';
}

/**
 * Multi-row INSERTs for the hot ingest paths. Drizzle's query builder spends more time building a
 * 1,000-row insert than SQLite spends running it; this maps values with the same column mappers
 * drizzle uses (dates to epoch ms, JSON to text, booleans to 0/1) and writes the SQL text once.
 * Chunks respect the bound-parameter limit. `onConflict` is appended verbatim (column names in
 * it are the SQL names, e.g. `do update set value_json = excluded.value_json`).
 */
/**
 * SQLite compiles a multi-row INSERT into one program that grows with its rows; the driver frees
 * it only when V8 collects the statement, which it does not hurry to do for memory it cannot see.
 * Modest statements keep native memory flat at no cost in speed.
 */
const MAX_PARAMS_PER_INSERT = 2_000;

export function bulkInsert<T extends Table>(
  table: T,
  rows: ReadonlyArray<T['$inferInsert']>,
  paramLimit: number,
  onConflict = '',
): RawStatement[] {
  if (rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(table)) as Array<[string, ColumnLike]>;
  const head = `insert into "${getTableName(table)}" (${columns.map(([, column]) => `"${column.name}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tail = onConflict ? ` ${onConflict}` : '';
  return chunkedInBuckets(rows, Math.min(paramLimit, MAX_PARAMS_PER_INSERT), columns.length).map((chunk) => {
    const args: unknown[] = [];
    for (const row of chunk) {
      const record = row as Record<string, unknown>;
      for (const [key, column] of columns) args.push(driverValue(column, record[key]));
    }
    return { kind: 'raw', sql: head + new Array(chunk.length).fill(tuple).join(', ') + tail, args };
  });
}

interface ColumnLike {
  name: string;
  /** drizzle's column class: `SQLiteText`, `SQLiteTextJson`, `SQLiteTimestamp`, … */
  columnType: string;
  default?: unknown;
  hasDefault?: boolean;
  mapToDriverValue(value: unknown): unknown;
}

const PLAIN_COLUMNS = new Set(['SQLiteText', 'SQLiteInteger', 'SQLiteReal']);

function driverValue(column: ColumnLike, value: unknown): unknown {
  const given = value === undefined && column.hasDefault && !isSql(column.default) ? column.default : value;
  if (given === undefined || given === null) return null;
  // Plain text and number columns bind values as they are; JSON, dates and booleans need mapping.
  if (PLAIN_COLUMNS.has(column.columnType)) return given;
  return column.mapToDriverValue(given);
}

function isSql(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'queryChunks' in value;
}
