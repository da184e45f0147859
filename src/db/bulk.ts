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
 * SQLite compiles a multi-row INSERT into one program that grows with its rows; the driver frees
 * it only when V8 collects the statement, which it does not hurry to do for memory it cannot see.
 * Modest statements keep native memory flat at no cost in speed.
 */
const MAX_PARAMS_PER_INSERT = 2_000;

/**
 * Multi-row INSERTs for the hot ingest paths. Drizzle's query builder spends more time building a
 * 1,000-row insert than SQLite spends running it; this maps values with the same column mappers
 * drizzle uses (dates to epoch ms, JSON to text, booleans to 0/1) and writes the SQL text once.
 * Chunks respect the bound-parameter limit. `onConflict` is appended verbatim (column names in
 * it are the SQL names, e.g. `do update set value_json = excluded.value_json`).
 */
export function bulkInsert<T extends Table>(
  table: T,
  rows: ReadonlyArray<T['$inferInsert']>,
  paramLimit: number,
  onConflict = '',
): RawStatement[] {
  if (rows.length === 0) return [];
  const shape = insertShape(table, onConflict);
  const width = shape.keys.length;
  return chunkedInBuckets(rows, Math.min(paramLimit, MAX_PARAMS_PER_INSERT), width).map((chunk) => {
    const args: unknown[] = new Array(chunk.length * width);
    let at = 0;
    for (const row of chunk) {
      const record = row as Record<string, unknown>;
      for (let c = 0; c < width; c++) args[at++] = driverValue(shape, c, record[shape.keys[c]!]);
    }
    return { kind: 'raw', sql: shape.sqlFor(chunk.length), args };
  });
}

/** What an insert into one table needs per column, worked out once per table and conflict clause. */
interface InsertShape {
  /** Property name per column, in column order. */
  keys: string[];
  columns: ColumnLike[];
  /** Binds the value as it is (plain text and numbers); the others go through drizzle's mapper. */
  plain: boolean[];
  /** The static default bound when a row leaves the column undefined (undefined: none). */
  defaults: unknown[];
  /** The statement text for `n` rows (chunks come in a few bucketed sizes, so few texts). */
  sqlFor(n: number): string;
}

const shapes = new WeakMap<Table, Map<string, InsertShape>>();

function insertShape(table: Table, onConflict: string): InsertShape {
  let byConflict = shapes.get(table);
  if (!byConflict) {
    byConflict = new Map();
    shapes.set(table, byConflict);
  }
  const cached = byConflict.get(onConflict);
  if (cached) return cached;
  const entries = Object.entries(getTableColumns(table)) as Array<[string, ColumnLike]>;
  const columns = entries.map(([, column]) => column);
  const head = `insert into "${getTableName(table)}" (${columns.map((column) => `"${column.name}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tail = onConflict ? ` ${onConflict}` : '';
  const texts = new Map<number, string>();
  const shape: InsertShape = {
    keys: entries.map(([key]) => key),
    columns,
    plain: columns.map((column) => PLAIN_COLUMNS.has(column.columnType)),
    defaults: columns.map((column) =>
      column.hasDefault && !isSql(column.default) ? column.default : undefined,
    ),
    sqlFor(n) {
      let text = texts.get(n);
      if (text === undefined) {
        text = head + new Array(n).fill(tuple).join(', ') + tail;
        texts.set(n, text);
      }
      return text;
    },
  };
  byConflict.set(onConflict, shape);
  return shape;
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

function driverValue(shape: InsertShape, c: number, value: unknown): unknown {
  const given = value === undefined ? shape.defaults[c] : value;
  if (given === undefined || given === null) return null;
  // Plain text and number columns bind values as they are; JSON, dates and booleans need mapping.
  if (shape.plain[c]) return given;
  return shape.columns[c]!.mapToDriverValue(given);
}

function isSql(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'queryChunks' in value;
}
