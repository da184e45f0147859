import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-file.js';

describe('parseCsv', () => {
  it('keeps commas and doubled quotes inside quoted fields, and CRLF line ends', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\nlast,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['last', ''],
    ]);
  });

  it('reads a final line without a newline', () => {
    expect(parseCsv('a\n1')).toEqual([['a'], ['1']]);
  });

  it('decodes Latin-1 bytes as the characters they stand for', () => {
    const bytes = Buffer.from([0x46, 0x72, 0x61, 0x6e, 0x7a, 0xf6, 0x73, 0x69, 0x73, 0x63, 0x68]);
    expect(parseCsv(bytes.toString('latin1'))).toEqual([['Französisch']]);
  });
});
