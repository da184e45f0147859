/**
 * A streaming RFC 4180 parser. Text is pushed in chunks of any size (a chunk may end inside a
 * quoted field, between the two quotes of an escape, or between CR and LF) and complete records
 * come out as soon as they end, so a large file is never held in memory.
 *
 * Leniencies, chosen for real-world exports: LF, CRLF and lone CR all end a record; a quote inside
 * an unquoted field is kept as a literal character; lines with no characters at all are skipped;
 * a leading BOM is dropped. Strict where leniency would silently shift columns: text after a
 * closing quote (`"a"b`) and an unterminated quote are errors naming the line.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line on which the record starts (records may span lines). */
  line: number;
}

export interface CsvParserOptions {
  /** One character; not a quote or line break. Default ','. */
  delimiter?: string;
  /** A field longer than this is an error: usually an unclosed quote swallowing the file. */
  maxFieldLength?: number;
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

export const DEFAULT_MAX_FIELD_LENGTH = 1_000_000;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'afterCR';

export interface CsvParser {
  /** Feeds more text; returns the records completed by it. */
  push(text: string): CsvRecord[];
  /** Signals the end of input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[];
}

export function createCsvParser(options: CsvParserOptions = {}): CsvParser {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new RangeError('the CSV delimiter must be one character other than a quote or line break');
  }
  const delimiterCode = delimiter.charCodeAt(0);
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;

  let state: State = 'fieldStart';
  let field = '';
  let fields: string[] = [];
  // Whether the current record has any character at all; a bare line break is not a record.
  let recordHasContent = false;
  let line = 1;
  let column = 0;
  let recordLine = 1;
  let quoteLine = 1;
  let quoteColumn = 0;
  let quotedCR = false;
  let started = false;
  let ended = false;
  let out: CsvRecord[] = [];

  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (recordHasContent) out.push({ fields, line: recordLine });
    fields = [];
    recordHasContent = false;
  };
  const lineBreak = (code: number) => {
    endRecord();
    line++;
    column = 0;
    recordLine = line;
    state = code === CR ? 'afterCR' : 'fieldStart';
  };
  const append = (text: string) => {
    field += text;
    if (field.length > maxFieldLength) {
      throw new CsvSyntaxError(
        `field longer than ${maxFieldLength} characters (is a quote left open?)`,
        quoteLine,
        quoteColumn,
      );
    }
  };

  const push = (text: string): CsvRecord[] => {
    if (ended) throw new Error('the CSV parser has already ended');
    out = [];
    let i = 0;
    if (!started && text.length > 0) {
      started = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      column++;
      if (state === 'afterCR') {
        state = 'fieldStart';
        // CRLF is one line break, already counted at the CR.
        if (code === LF) {
          column = 0;
          continue;
        }
      }
      switch (state) {
        case 'fieldStart':
          if (code === QUOTE) {
            state = 'quoted';
            recordHasContent = true;
            quoteLine = line;
            quoteColumn = column;
          } else if (code === delimiterCode) {
            recordHasContent = true;
            endField();
          } else if (code === CR || code === LF) {
            lineBreak(code);
          } else {
            recordHasContent = true;
            state = 'unquoted';
            append(text[i]!);
          }
          break;
        case 'unquoted': {
          if (code === delimiterCode) {
            endField();
            state = 'fieldStart';
          } else if (code === CR || code === LF) {
            lineBreak(code);
          } else {
            // Take the run of ordinary characters in one slice; most of a file is such runs.
            let j = i + 1;
            while (j < text.length) {
              const next = text.charCodeAt(j);
              if (next === delimiterCode || next === CR || next === LF) break;
              j++;
            }
            append(text.slice(i, j));
            column += j - i - 1;
            i = j - 1;
          }
          break;
        }
        case 'quoted': {
          if (code === QUOTE) {
            state = 'quoteInQuoted';
            quotedCR = false;
            break;
          }
          if (code === CR || code === LF) {
            // Line breaks inside quotes are data; count them once so error lines stay right.
            if (!(code === LF && quotedCR)) {
              line++;
            }
            column = 0;
            quotedCR = code === CR;
            append(text[i]!);
            break;
          }
          quotedCR = false;
          let j = i + 1;
          while (j < text.length) {
            const next = text.charCodeAt(j);
            if (next === QUOTE || next === CR || next === LF) break;
            j++;
          }
          append(text.slice(i, j));
          column += j - i - 1;
          i = j - 1;
          break;
        }
        case 'quoteInQuoted':
          if (code === QUOTE) {
            append('"');
            state = 'quoted';
          } else if (code === delimiterCode) {
            endField();
            state = 'fieldStart';
          } else if (code === CR || code === LF) {
            lineBreak(code);
          } else {
            throw new CsvSyntaxError(
              'unexpected character after a closing quote (quotes inside a field must be doubled)',
              line,
              column,
            );
          }
          break;
      }
    }
    return out;
  };

  const end = (): CsvRecord[] => {
    if (ended) return [];
    ended = true;
    out = [];
    if (state === 'quoted') {
      throw new CsvSyntaxError('quoted field is never closed', quoteLine, quoteColumn);
    }
    if (state !== 'afterCR' && (recordHasContent || field !== '')) endRecord();
    return out;
  };

  return { push, end };
}

/** Records of a text stream, as they complete. */
export async function* parseCsvStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: CsvParserOptions = {},
): AsyncGenerator<CsvRecord> {
  const parser = createCsvParser(options);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** Whole-text convenience (tests, small inline content). */
export function parseCsvText(text: string, options: CsvParserOptions = {}): CsvRecord[] {
  const parser = createCsvParser(options);
  return [...parser.push(text), ...parser.end()];
}

/** Splits in-memory text into chunks so inline content goes through the same streaming path. */
export function* chunkText(text: string, size = 64 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/**
 * Decodes a byte stream as UTF-8 chunk by chunk (`stream: true` keeps a character split across
 * chunks intact). Leaving the loop early cancels the stream, so reading just a header does not
 * download the rest of the file.
 */
export async function* decodeUtf8(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      const text = decoder.decode(next.value, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

export type CsvTableEntry =
  | { type: 'header'; columns: string[]; line: number }
  | { type: 'row'; row: number; line: number; fields: string[] }
  /** A row whose field count differs from the header's: reported, never guessed into columns. */
  | { type: 'ragged'; row: number; line: number; expected: number; actual: number };

/**
 * The first record is the header; every later record is a data row numbered from 1. Row numbers
 * are stable for a given file, which is what makes them usable as a resume checkpoint.
 */
export async function* readCsvTable(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: CsvParserOptions = {},
): AsyncGenerator<CsvTableEntry> {
  let width: number | undefined;
  let row = 0;
  for await (const record of parseCsvStream(chunks, options)) {
    if (width === undefined) {
      width = record.fields.length;
      yield { type: 'header', columns: record.fields, line: record.line };
      continue;
    }
    row++;
    if (record.fields.length !== width) {
      yield { type: 'ragged', row, line: record.line, expected: width, actual: record.fields.length };
    } else {
      yield { type: 'row', row, line: record.line, fields: record.fields };
    }
  }
}
