import { digitsOnly, foldText } from '../strings/index.js';
import { parseDate } from './dates.js';
import type { LinkageSettings, Normalizer } from './settings.js';

/** A source record: column name → value. Only strings, numbers and Dates are read. */
export type PersonRecord = Readonly<Record<string, unknown>>;

/** One field of every record, normalized once so each of the many pair comparisons is cheap. */
export interface PreparedField {
  key: string;
  normalize: Normalizer;
  /** Comparable value per record; null when missing. */
  values: (string | null)[];
  /** Dates: year·10000 + month·100 + day as written (may be invalid), −1 when not a date. */
  ymd: Int32Array;
  /** Dates: days since 1970-01-01 when real; numbers: the number. NaN otherwise. */
  numbers: Float64Array;
  /** False when no record has the field: it is left out of training and scoring. */
  present: boolean;
}

/**
 * Records ready for linkage. Deduplication and left × right linkage share one representation:
 * in a link, records [0, leftSize) are the left side and [leftSize, size) the right, so blocking,
 * comparison and term frequencies are written once.
 */
export interface PreparedRecords {
  mode: 'dedup' | 'link';
  size: number;
  leftSize: number;
  fields: PreparedField[];
  fieldIndex: ReadonlyMap<string, number>;
}

export function prepareRecords(
  settings: LinkageSettings,
  left: readonly PersonRecord[],
  right?: readonly PersonRecord[],
): PreparedRecords {
  const records = right ? [...left, ...right] : left;
  const size = records.length;
  const nullValues = new Set(settings.nullValues);
  const columnLookup = resolveColumns(records);
  const fields = settings.fields.map((field): PreparedField => {
    const candidates = field.columns.flatMap((column) => columnLookup.get(column.trim().toLowerCase()) ?? []);
    const values: (string | null)[] = new Array(size).fill(null);
    const ymd = new Int32Array(size).fill(-1);
    const numbers = new Float64Array(size).fill(Number.NaN);
    let present = false;
    for (let i = 0; i < size; i++) {
      const record = records[i]!;
      let raw: string | null = null;
      for (const column of candidates) {
        raw = rawString(record[column]);
        if (raw !== null) break;
      }
      if (raw === null) continue;
      const value = normalizeValue(raw, field.normalize, settings.dateOrder, i, ymd, numbers);
      if (value === null || value === '' || nullValues.has(value)) {
        ymd[i] = -1;
        numbers[i] = Number.NaN;
        continue;
      }
      values[i] = value;
      present = true;
    }
    return { key: field.key, normalize: field.normalize, values, ymd, numbers, present };
  });
  return {
    mode: right ? 'link' : 'dedup',
    size,
    leftSize: right ? left.length : size,
    fields,
    fieldIndex: new Map(settings.fields.map((field, index) => [field.key, index])),
  };
}

/** Lower-cased, trimmed column name → the record keys spelled that way (FEBRL pads its headers). */
function resolveColumns(records: readonly PersonRecord[]): Map<string, string[]> {
  const seen = new Set<string>();
  const lookup = new Map<string, string[]>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const folded = key.trim().toLowerCase();
      const list = lookup.get(folded);
      if (list) list.push(key);
      else lookup.set(folded, [key]);
    }
  }
  return lookup;
}

function rawString(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  return null;
}

/** Phone numbers are compared on their last ten digits, so `+1 555…` and `555…` agree. */
const PHONE_DIGITS = 10;

function normalizeValue(
  raw: string,
  normalize: Normalizer,
  dateOrder: 'dmy' | 'mdy',
  index: number,
  ymd: Int32Array,
  numbers: Float64Array,
): string | null {
  switch (normalize) {
    case 'text':
      return foldText(raw);
    case 'digits':
      return digitsOnly(raw);
    case 'email':
      return raw.toLowerCase();
    case 'phone':
      return digitsOnly(raw).slice(-PHONE_DIGITS);
    case 'none':
      return raw;
    case 'number': {
      const parsed = Number(raw.replace(/[\s,]/g, ''));
      if (!Number.isFinite(parsed)) return null;
      numbers[index] = parsed;
      return String(parsed);
    }
    case 'date': {
      const date = parseDate(raw, dateOrder);
      // An unreadable date still takes part in the string levels on its digits.
      if (!date) return digitsOnly(raw);
      ymd[index] = date.year * 10_000 + date.month * 100 + date.day;
      numbers[index] = date.dayNumber;
      return date.text;
    }
  }
}
