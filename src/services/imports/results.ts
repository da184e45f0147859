import type { DataEntry } from './csv-input.js';

/**
 * `created`: a new profile / order / product. `updated`: the row was applied to an existing one.
 * `unchanged`: it was already stored exactly so (a re-imported order or an identical product).
 * `rejected`: nothing from the row was stored; `column` and `reason` say why.
 */
export const ROW_STATUSES = ['created', 'updated', 'unchanged', 'rejected'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

export interface RowResult {
  /** Data row number: 1 is the first row after the header. */
  row: number;
  /** Physical line the row starts on (a quoted field may span lines). */
  line: number;
  status: RowStatus;
  /** The profile id, the order id from the file, or the product id. */
  id?: string;
  /** For orders: the profile the order was attributed to. */
  profileId?: string;
  /** The column at fault, when one is. */
  column?: string;
  reason?: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export const emptySummary = (): ImportSummary => ({
  rows: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
});

export function count(summary: ImportSummary, result: RowResult): void {
  summary.rows++;
  summary[result.status]++;
}

type At = Pick<DataEntry, 'row' | 'line'>;

export function rejected(at: At, column: string | undefined, reason: string): RowResult {
  return {
    row: at.row,
    line: at.line,
    status: 'rejected',
    ...(column === undefined ? {} : { column }),
    // The reason names the column too, so it reads on its own in a log or a spreadsheet.
    reason: column === undefined ? reason : `${column}: ${reason}`,
  };
}

export function raggedRejection(entry: Extract<DataEntry, { type: 'ragged' }>): RowResult {
  return rejected(
    entry,
    undefined,
    `the row has ${entry.actual} fields but the header has ${entry.expected} columns ` +
      '(a missing or extra delimiter, or an unquoted delimiter inside a value?)',
  );
}

/** Rows per write: one ingest() call or one catalog batch. */
export const CHUNK_ROWS = 500;

export interface EntryChunk {
  entries: DataEntry[];
  /** Set on the last chunk when reading the file failed after these rows: they are whole rows. */
  stop?: unknown;
}

/**
 * Groups rows into chunks of `size`. When the body becomes unreadable mid-way (a syntax error, the
 * size limit), the rows read before that point still come out, marked with the error, so they are
 * handled before the import stops.
 */
export async function* inChunks(
  entries: AsyncIterable<DataEntry>,
  size = CHUNK_ROWS,
): AsyncGenerator<EntryChunk> {
  let chunk: DataEntry[] = [];
  try {
    for await (const entry of entries) {
      chunk.push(entry);
      if (chunk.length >= size) {
        yield { entries: chunk };
        chunk = [];
      }
    }
  } catch (error) {
    yield { entries: chunk, stop: error };
    return;
  }
  if (chunk.length > 0) yield { entries: chunk };
}
