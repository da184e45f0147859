import { describe, expect, it } from 'vitest';
import {
  CsvSyntaxError,
  type CsvTableEntry,
  createCsvParser,
  decodeUtf8,
  parseCsvStream,
  parseCsvText,
  readCsvTable,
} from '../../../../connectors/csv/parse.js';

const fieldsOf = (text: string, delimiter?: string) =>
  parseCsvText(text, delimiter ? { delimiter } : {}).map((record) => record.fields);

/** Parses `text` pushed in the given chunk sizes. */
function parseInChunks(text: string, size: number) {
  const parser = createCsvParser();
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

const TRICKY = '\uFEFFname,quote,multi\r\n"Smith, J","He said ""hi""","a\r\nb"\r\nplain,,"x"\nlast,"",end';

describe('CSV parser', () => {
  it('parses plain rows with LF, CRLF and lone CR line endings', () => {
    expect(fieldsOf('a,b\n1,2\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('handles quotes, doubled-quote escapes, delimiters and line breaks inside quotes', () => {
    expect(fieldsOf('"a,b","say ""x""","line1\nline2","",x')).toEqual([
      ['a,b', 'say "x"', 'line1\nline2', '', 'x'],
    ]);
  });

  it('keeps CRLF inside a quoted field as data', () => {
    expect(fieldsOf('"a\r\nb",c\r\n')).toEqual([['a\r\nb', 'c']]);
  });

  it('drops a leading BOM, only at the very start', () => {
    expect(fieldsOf('\uFEFFemail\nx\uFEFF')).toEqual([['email'], ['x\uFEFF']]);
  });

  it('does not invent a record for a trailing line break, and keeps a last record without one', () => {
    expect(fieldsOf('a\n1\n')).toEqual([['a'], ['1']]);
    expect(fieldsOf('a\n1')).toEqual([['a'], ['1']]);
    expect(fieldsOf('a\r\n1\r\n')).toEqual([['a'], ['1']]);
  });

  it('skips blank lines but keeps rows of empty fields and an explicit empty quoted field', () => {
    expect(fieldsOf('a,b\n\n,\n\r\n""\n')).toEqual([['a', 'b'], ['', ''], ['']]);
  });

  it('keeps trailing empty fields', () => {
    expect(fieldsOf('a,b,\n1,,')).toEqual([
      ['a', 'b', ''],
      ['1', '', ''],
    ]);
  });

  it('keeps spaces and a literal quote inside an unquoted field', () => {
    expect(fieldsOf(' a , 5" screen\n')).toEqual([[' a ', ' 5" screen']]);
  });

  it('supports other delimiters and rejects unusable ones', () => {
    expect(fieldsOf('a;b\n"1;2";3', ';')).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
    expect(fieldsOf('a\tb\n1,2\t3', '\t')).toEqual([
      ['a', 'b'],
      ['1,2', '3'],
    ]);
    expect(() => createCsvParser({ delimiter: '"' })).toThrow(RangeError);
    expect(() => createCsvParser({ delimiter: ';;' })).toThrow(RangeError);
  });

  it('reports the line each record starts on, counting line breaks inside quotes', () => {
    const records = parseCsvText('h\n"a\r\nb\nc"\n\nlast\r\nx');
    expect(records.map((r) => r.line)).toEqual([1, 2, 6, 7]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const whole = parseCsvText(TRICKY);
    expect(whole.map((r) => r.fields)).toEqual([
      ['name', 'quote', 'multi'],
      ['Smith, J', 'He said "hi"', 'a\r\nb'],
      ['plain', '', 'x'],
      ['last', '', 'end'],
    ]);
    for (let size = 1; size <= TRICKY.length; size++) {
      expect(parseInChunks(TRICKY, size), `chunk size ${size}`).toEqual(whole);
    }
  });

  it('rejects text after a closing quote, naming line and column', () => {
    const attempt = () => parseCsvText('a,b\n"x"y,2\n');
    expect(attempt).toThrow(CsvSyntaxError);
    expect(attempt).toThrow(/line 2, column 4/);
  });

  it('rejects an unterminated quote, naming where it opened', () => {
    expect(() => parseCsvText('a\nok\n"never closed\nmore')).toThrow(
      /line 3, column 1: quoted field is never closed/,
    );
  });

  it('stops a field that outgrows the limit instead of buffering the rest of the file', () => {
    const parser = createCsvParser({ maxFieldLength: 10 });
    expect(() => parser.push('"0123456789abc')).toThrow(/longer than 10/);
  });

  it('refuses input after end()', () => {
    const parser = createCsvParser();
    parser.end();
    expect(() => parser.push('a')).toThrow(/already ended/);
  });
});

describe('streaming helpers', () => {
  it('yields records as chunks arrive, before the input ends', async () => {
    let released = false;
    async function* chunks() {
      yield 'a\n1\n2\n';
      // Only reached when the consumer asks for more than the first chunk's records.
      released = true;
      yield '3\n';
    }
    const iterator = parseCsvStream(chunks())[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.fields).toEqual(['a']);
    expect((await iterator.next()).value?.fields).toEqual(['1']);
    expect((await iterator.next()).value?.fields).toEqual(['2']);
    expect(released).toBe(false);
    await iterator.return(undefined);
  });

  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('naïve,日本\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    let text = '';
    for await (const chunk of decodeUtf8(stream)) text += chunk;
    expect(text).toBe('naïve,日本\n');
  });

  it('cancels the byte stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('x\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _chunk of decodeUtf8(stream)) break;
    expect(cancelled).toBe(true);
  });

  it('numbers data rows from 1 after the header and reports ragged rows', async () => {
    const entries: CsvTableEntry[] = [];
    for await (const entry of readCsvTable([
      'email,name\na@x.test,A\n\nb@x.test\nc@x.test,C,extra\nd@x.test,D\n',
    ])) {
      entries.push(entry);
    }
    expect(entries).toEqual([
      { type: 'header', columns: ['email', 'name'], line: 1 },
      { type: 'row', row: 1, line: 2, fields: ['a@x.test', 'A'] },
      { type: 'ragged', row: 2, line: 4, expected: 2, actual: 1 },
      { type: 'ragged', row: 3, line: 5, expected: 2, actual: 3 },
      { type: 'row', row: 4, line: 6, fields: ['d@x.test', 'D'] },
    ]);
  });
});
