import { CsvSyntaxError, type CsvTableEntry, readCsvTable } from '../../../connectors/csv/parse.js';
import { AppError } from '../../http/errors.js';

/** A data row of the file, or a row whose field count does not match the header. */
export type DataEntry = Exclude<CsvTableEntry, { type: 'header' }>;

export interface CsvInput {
  columns: string[];
  /** The rows after the header, read from the body as they are consumed. */
  entries: AsyncGenerator<DataEntry>;
  /** Stops reading the body when the import will not run (the header did not fit). */
  close(): Promise<void>;
}

/** Body types a CSV can reasonably arrive with; anything else is a client mistake worth naming. */
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/octet-stream']);
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii']);

export function checkCsvContentType(contentType: string | undefined): void {
  if (!contentType) return;
  const [essence = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (!CSV_TYPES.has(essence)) {
    // curl -d/--data (urlencoded) also strips line breaks, and -F sends multipart: both are wrong here.
    throw new AppError(
      'bad_request',
      `Content-Type '${essence}' is not CSV: send the file as the raw body with Content-Type: text/csv ` +
        `(curl --data-binary @file.csv -H 'Content-Type: text/csv')`,
    );
  }
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length);
  if (charset && !UTF8_NAMES.has(charset.replace(/"/g, ''))) {
    throw new AppError('bad_request', `charset '${charset}' is not supported: send the CSV as UTF-8`);
  }
}

/** The body went past the byte limit while it was being read. */
export class ImportTooLargeError extends Error {
  override readonly name = 'ImportTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the CSV is larger than ${maxBytes} bytes`);
  }
}

/** The body is not UTF-8 (typically a spreadsheet saved as Windows-1252). */
export class ImportEncodingError extends Error {
  override readonly name = 'ImportEncodingError';
  constructor(readonly afterBytes: number) {
    super(`the CSV is not valid UTF-8 (after byte ${afterBytes}): export or save the file as UTF-8`);
  }
}

/**
 * UTF-8 text of a byte stream, chunk by chunk, counting bytes against `maxBytes` as they arrive:
 * a body without Content-Length is only known to be too large once it has been read that far.
 * `fatal` decoding, because silently replacing bad bytes would store mangled names.
 */
async function* utf8Chunks(stream: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let done = false;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new ImportEncodingError(bytes);
    }
  };
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      bytes += next.value.byteLength;
      if (bytes > maxBytes) throw new ImportTooLargeError(maxBytes);
      const text = decode(next.value);
      if (text !== '') yield text;
    }
    const rest = decode();
    if (rest !== '') yield rest;
  } finally {
    // Leaving early (an error, a client gone) stops reading the upload instead of draining it.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function* dataEntries(table: AsyncGenerator<CsvTableEntry>): AsyncGenerator<DataEntry> {
  for await (const entry of table) if (entry.type !== 'header') yield entry;
}

/**
 * Reads the header line and hands back the rest as a lazy stream of rows. Problems with the file
 * as a whole that show before any row is read are request errors; later ones stop the import
 * (see importStop).
 */
export async function openCsvInput(
  body: ReadableStream<Uint8Array> | null,
  options: { delimiter: string; maxBytes: number },
): Promise<CsvInput> {
  if (!body) throw emptyBody();
  const table = readCsvTable(utf8Chunks(body, options.maxBytes), { delimiter: options.delimiter });
  let first: IteratorResult<CsvTableEntry>;
  try {
    first = await table.next();
  } catch (error) {
    const stop = importStop(error);
    if (stop) throw new AppError(stop.code, stop.message);
    throw error;
  }
  if (first.done || first.value.type !== 'header') throw emptyBody();
  return {
    columns: first.value.columns,
    entries: dataEntries(table),
    close: async () => {
      await table.return(undefined);
    },
  };
}

function emptyBody(): AppError {
  return new AppError('bad_request', 'the body is empty: send a CSV whose first line is the header');
}

/** Why an import stopped part-way, for errors that are the file's fault rather than ours. */
export interface ImportStop {
  code: 'bad_request' | 'payload_too_large';
  message: string;
}

export function importStop(error: unknown): ImportStop | undefined {
  if (error instanceof CsvSyntaxError)
    return { code: 'bad_request', message: `CSV syntax error at ${error.message}` };
  if (error instanceof ImportEncodingError) return { code: 'bad_request', message: error.message };
  if (error instanceof ImportTooLargeError) return { code: 'payload_too_large', message: error.message };
  // Hono's body limit, when it reads a body without Content-Length, errors the stream with this name.
  if (error instanceof Error && error.name === 'BodyLimitError')
    return { code: 'payload_too_large', message: 'the CSV is larger than the body limit' };
  return undefined;
}
