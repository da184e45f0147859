import type { DestinationRecord } from '../../src/connector-kit/index.js';

/** Columns every upsert CSV starts with; a field of the same name would be ambiguous. */
export const CSV_BASE_COLUMNS = ['profileId', 'email'] as const;
export const REMOVALS_COLUMNS = ['profileId', 'email', 'removedAt'] as const;

export interface RecordProblem {
  message: string;
  field?: string;
}

/**
 * Why a record cannot be written, or undefined. Types promise scalar field values, but records
 * come from mapping user data at runtime; an object, NaN or Infinity would otherwise be written
 * as "[object Object]" or null without anyone noticing.
 */
export function identityProblem(record: DestinationRecord): RecordProblem | undefined {
  if (typeof record.profileId !== 'string' || record.profileId === '') {
    return { message: 'profileId must be a non-empty string', field: 'profileId' };
  }
  if (record.email !== undefined && typeof record.email !== 'string') {
    return { message: 'email must be a string', field: 'email' };
  }
  return undefined;
}

export function fieldsProblem(record: DestinationRecord, format: 'jsonl' | 'csv'): RecordProblem | undefined {
  const fields: unknown = record.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    return { message: 'fields must be an object of scalar values', field: 'fields' };
  }
  for (const [key, value] of Object.entries(fields)) {
    if (key === '') return { message: 'a field name cannot be empty', field: key };
    if (format === 'csv' && (CSV_BASE_COLUMNS as readonly string[]).includes(key)) {
      return { message: `field "${key}" clashes with the built-in "${key}" column`, field: key };
    }
    if (format === 'csv' && /[\r\n]/.test(key)) {
      return { message: 'a CSV column name cannot contain a line break', field: key };
    }
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      const what =
        typeof value === 'number' ? String(value) : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      return {
        message: `field "${key}" is ${what}; only strings, finite numbers, booleans and null can be written`,
        field: key,
      };
    }
  }
  return undefined;
}

export function jsonLine(value: Record<string, unknown>): string {
  return `${JSON.stringify(value)}\n`;
}

/** RFC 4180 quoting: only when needed, so plain exports stay readable. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * Parses one header line this connector wrote (quoted cells, doubled quotes, no line breaks:
 * column names with line breaks are refused on the way in).
 */
export function parseCsvHeaderLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) throw new Error('the CSV header has an unclosed quote');
        cell += line.slice(i, quote);
        i = quote + 1;
        if (line[i] === '"') {
          cell += '"';
          i++;
        } else break;
      }
      if (i < line.length && line[i] !== ',')
        throw new Error('the CSV header has text after a closing quote');
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      cell = line.slice(i, end);
      i = end;
    }
    cells.push(cell);
    if (i >= line.length) return cells;
    i++; // the comma
  }
}
