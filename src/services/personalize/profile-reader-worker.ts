import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { preparedFor } from '../../db/raw-select.js';
import { type ProfileRow, readProfileRow } from './profile-query.js';
import type { ReaderJob, ReaderMessage } from './profile-reader.js';

// Runs in a worker thread (see profile-reader.ts) with its own read-only connection to the
// embedded database: WAL gives it every committed write, and its page cache is its own.
const { path } = workerData as { path: string };
const db = new Database(path, { readonly: true, fileMustExist: true });
// Recipients of one send are spread over the whole file; keep the hot pages (identity index,
// profiles, lists) in memory as the writer connection does.
db.pragma('cache_size = -131072');
const query = (sql: string, key: string) => preparedFor(db, sql).all(key)[0] as ProfileRow | undefined;

parentPort?.on('message', async (job: ReaderJob) => {
  const rows: Array<ProfileRow | null> = [];
  let error: string | undefined;
  try {
    for (const lookup of job.lookups) rows.push((await readProfileRow(query, lookup)) ?? null);
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  parentPort?.postMessage({ id: job.id, rows, error } satisfies ReaderMessage);
});
parentPort?.postMessage({ ready: true } satisfies ReaderMessage);
