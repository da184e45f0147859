import { AppError } from '../../http/errors.js';
import { errorFields, type Logger } from '../../lib/logger.js';
import { importStop } from './csv-input.js';
import { count, emptySummary, type ImportSummary, type RowResult } from './results.js';

/** An import in progress: batches of row results, each after its rows were written. */
export type ImportRun = AsyncGenerator<RowResult[]>;

/** The JSON answer lists at most this many rows; the summary always counts every row. */
export const MAX_JSON_RESULTS = 10_000;

export interface ImportReport {
  summary: ImportSummary;
  results: RowResult[];
  /** Row results not in `results` (see `note`). */
  omittedResults: number;
  note?: string;
}

interface RunInfo {
  kind: string;
  logger: Logger;
  requestId: string;
}

/**
 * Runs the import to the end and answers with the summary and the row results. Past
 * MAX_JSON_RESULTS rows only rejected rows are kept: they are what a caller must act on, and the
 * list stays bounded however large the file is.
 */
export async function collectReport(run: ImportRun, info: RunInfo): Promise<ImportReport> {
  const summary = emptySummary();
  let results: RowResult[] = [];
  let onlyRejected = false;
  let omitted = 0;
  const report = (): ImportReport => {
    results.sort((a, b) => a.row - b.row);
    return {
      summary,
      results,
      omittedResults: omitted,
      ...(omitted > 0
        ? {
            note:
              `more than ${MAX_JSON_RESULTS} rows: results lists only rejected rows; ` +
              'send Accept: application/x-ndjson to get every row',
          }
        : {}),
    };
  };
  try {
    for await (const batch of run) {
      for (const result of batch) {
        count(summary, result);
        if (onlyRejected && result.status !== 'rejected') omitted++;
        else if (results.length < MAX_JSON_RESULTS) results.push(result);
        else if (!onlyRejected) {
          onlyRejected = true;
          results = results.filter((kept) => kept.status === 'rejected');
          omitted = summary.rows - 1 - results.length;
          if (result.status === 'rejected') results.push(result);
          else omitted++;
        } else omitted++;
      }
    }
  } catch (error) {
    const stop = importStop(error);
    if (!stop) throw error;
    logFinished(info, summary, stop.message);
    // The rows before the fault are stored; re-importing the fixed file is safe (see stopMessage).
    throw new AppError(stop.code, stopMessage(stop.message, summary), report());
  }
  logFinished(info, summary);
  return report();
}

function stopMessage(message: string, summary: ImportSummary): string {
  return (
    `${message}; the import stopped there after ${summary.rows} rows (details.summary and ` +
    'details.results say what happened to them). Fix the file and import it again: rows already ' +
    'imported are matched, not duplicated.'
  );
}

function logFinished(info: RunInfo, summary: ImportSummary, stoppedBy?: string): void {
  info.logger.info('import finished', {
    kind: info.kind,
    requestId: info.requestId,
    ...summary,
    ...(stoppedBy ? { stoppedBy } : {}),
  });
}

/**
 * One JSON line per row result as rows are written, then a last line `{"summary": …}` (with
 * `"error"` when the import stopped early). Results are produced without waiting for the client
 * to read them: a client that sends the whole body before reading the answer (fetch does) would
 * otherwise deadlock against our reading of its upload. What waits in the stream is bounded by
 * the body size limit.
 */
export function ndjsonStream(run: ImportRun, info: RunInfo): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const summary = emptySummary();
      const line = (value: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
      let error: { code: string; message: string; requestId: string } | undefined;
      try {
        for await (const batch of run) {
          if (cancelled) break;
          for (const result of batch) {
            count(summary, result);
            line(result);
          }
        }
      } catch (thrown) {
        const stop = importStop(thrown);
        if (stop) {
          error = { ...stop, message: stopMessage(stop.message, summary), requestId: info.requestId };
        } else {
          info.logger.error('import failed', {
            kind: info.kind,
            requestId: info.requestId,
            ...errorFields(thrown),
          });
          error = {
            code: 'internal',
            message:
              'internal error; the rows listed above were stored. Quote the request id when reporting it',
            requestId: info.requestId,
          };
        }
      }
      if (cancelled) return;
      logFinished(info, summary, error?.message);
      line(error ? { summary, error } : { summary });
      controller.close();
    },
    cancel() {
      // The client went away: stop at the next batch boundary (rows written so far stay written).
      cancelled = true;
    },
  });
}
