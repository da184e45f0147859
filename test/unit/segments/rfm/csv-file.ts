import { readFileSync } from 'node:fs';

/**
 * A small CSV reader for the RFM conformance files. Fields may be quoted, with `""` for a quote
 * inside one. The two files spell the same accented names in two encodings: rfm-table.csv holds
 * single bytes 0x8A/0x9A/0x9F (Mac Roman ä/ö/ü, written out unconverted), which through UTF-8 would
 * become replacement characters and match nothing; sample-orders.csv holds those same code points
 * as UTF-8 (C2 8A …). Decoding the table as Latin-1 and the orders as UTF-8 yields identical
 * strings, so customers join by name.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header line. */
export function readCsvFile(path: string, encoding: 'latin1' | 'utf8'): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(readFileSync(path).toString(encoding));
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}
