import { damerauLevenshtein, jaroWinkler, levenshtein } from '../strings/index.js';
import type { PreparedField, PreparedRecords } from './prepare.js';
import type { ComparisonLevel, FieldSettings } from './settings.js';

/**
 * Comparison levels compiled to one function per field: (record i, record j) → level index, where
 * 0 is null (either side missing), 1..L the settings' levels in order and L + 1 "else".
 */
export type FieldComparator = (i: number, j: number) => number;

export const NULL_LEVEL = 0;

export function levelLabel(level: ComparisonLevel): string {
  if (level.label) return level.label;
  switch (level.kind) {
    case 'exact':
      return 'exact';
    case 'jaroWinkler':
      return `jaro_winkler>=${level.min}`;
    case 'levenshtein':
      return `levenshtein<=${level.max}`;
    case 'damerau':
      return `damerau<=${level.max}`;
    case 'swapped':
      return `swapped_with_${level.field}`;
    case 'dateDayMonthSwapped':
      return 'day_month_swapped';
    case 'dateWithinDays':
      return `within_${level.days}_days`;
    case 'dateSameMonthDay':
      return `same_month_day_years<=${level.years}`;
    case 'dateWithinYears':
      return `within_${level.years}_years`;
    case 'numberWithin':
      return `within${level.abs !== undefined ? `_abs_${level.abs}` : ''}${level.rel !== undefined ? `_rel_${level.rel}` : ''}`;
  }
}

/** Labels of a field's non-null levels, "else" last: the order of a model's m and u arrays. */
export function fieldLevelLabels(field: FieldSettings): string[] {
  return [...field.levels.map(levelLabel), 'else'];
}

type LevelTest = (a: string, b: string, i: number, j: number) => boolean;

export function compileComparator(
  settings: FieldSettings,
  prepared: PreparedRecords,
  field: PreparedField,
): FieldComparator {
  const { values, ymd, numbers } = field;
  // String distances are computed at most once per pair, at the loosest bound any level asks for.
  let maxLevenshtein = 0;
  let maxDamerau = 0;
  for (const level of settings.levels) {
    if (level.kind === 'levenshtein') maxLevenshtein = Math.max(maxLevenshtein, level.max);
    if (level.kind === 'damerau') maxDamerau = Math.max(maxDamerau, level.max);
  }
  let jw = -1;
  let lev = -1;
  let dam = -1;
  const jaroWinklerOf = (a: string, b: string): number => {
    if (jw < 0) jw = jaroWinkler(a, b);
    return jw;
  };
  const levenshteinOf = (a: string, b: string): number => {
    if (lev < 0) lev = levenshtein(a, b, maxLevenshtein);
    return lev;
  };
  const damerauOf = (a: string, b: string): number => {
    if (dam < 0) dam = damerauLevenshtein(a, b, maxDamerau);
    return dam;
  };

  const compileLevel = (level: ComparisonLevel): LevelTest => {
    switch (level.kind) {
      case 'exact':
        return (a, b) => a === b;
      case 'jaroWinkler':
        return (a, b) => jaroWinklerOf(a, b) >= level.min;
      case 'levenshtein':
        return (a, b) => levenshteinOf(a, b) <= level.max;
      case 'damerau':
        return (a, b) => damerauOf(a, b) <= level.max;
      case 'swapped': {
        const other = prepared.fields[prepared.fieldIndex.get(level.field)!]!.values;
        return (a, b, i, j) => a === other[j] || b === other[i];
      }
      case 'dateDayMonthSwapped':
        return (_a, _b, i, j) => {
          const x = ymd[i]!;
          const y = ymd[j]!;
          if (x < 0 || y < 0) return false;
          const monthDayX = x % 10_000;
          const monthDayY = y % 10_000;
          const swappedY = (monthDayY % 100) * 100 + Math.floor(monthDayY / 100);
          return (
            Math.floor(x / 10_000) === Math.floor(y / 10_000) &&
            monthDayX === swappedY &&
            monthDayX !== monthDayY
          );
        };
      case 'dateWithinDays':
        return (_a, _b, i, j) => Math.abs(numbers[i]! - numbers[j]!) <= level.days;
      case 'dateSameMonthDay':
        return (_a, _b, i, j) => {
          const x = ymd[i]!;
          const y = ymd[j]!;
          return (
            x >= 0 &&
            y >= 0 &&
            x % 10_000 === y % 10_000 &&
            Math.abs(Math.floor(x / 10_000) - Math.floor(y / 10_000)) <= level.years
          );
        };
      case 'dateWithinYears':
        return (_a, _b, i, j) => {
          const x = ymd[i]!;
          const y = ymd[j]!;
          return x >= 0 && y >= 0 && Math.abs(Math.floor(x / 10_000) - Math.floor(y / 10_000)) <= level.years;
        };
      case 'numberWithin':
        return (_a, _b, i, j) => {
          const x = numbers[i]!;
          const y = numbers[j]!;
          const diff = Math.abs(x - y);
          // NaN (not a number) fails every comparison, so missing numbers never hold.
          if (level.abs !== undefined && diff <= level.abs) return true;
          return level.rel !== undefined && diff <= level.rel * Math.max(Math.abs(x), Math.abs(y));
        };
    }
  };
  const tests = settings.levels.map(compileLevel);

  const elseLevel = tests.length + 1;
  return (i, j) => {
    const a = values[i];
    const b = values[j];
    if (a === null || b === null || a === undefined || b === undefined) return NULL_LEVEL;
    jw = -1;
    lev = -1;
    dam = -1;
    for (let l = 0; l < tests.length; l++) if (tests[l]!(a, b, i, j)) return l + 1;
    return elseLevel;
  };
}

/** One comparator per field; fields absent from the data always compare as null. */
export function compileComparators(
  settings: readonly FieldSettings[],
  prepared: PreparedRecords,
): FieldComparator[] {
  return settings.map((field, index) => {
    const preparedField = prepared.fields[index]!;
    return preparedField.present ? compileComparator(field, prepared, preparedField) : () => NULL_LEVEL;
  });
}

/**
 * Comparison vectors of many pairs, row-major (pair × field), one byte per level: compact enough
 * to hold a million pairs and to feed EM without re-running the string comparators.
 */
export function compareAll(
  comparators: readonly FieldComparator[],
  left: Int32Array,
  right: Int32Array,
  count = left.length,
): Uint8Array {
  const width = comparators.length;
  const out = new Uint8Array(count * width);
  for (let f = 0; f < width; f++) {
    const compare = comparators[f]!;
    let offset = f;
    for (let p = 0; p < count; p++) {
      out[offset] = compare(left[p]!, right[p]!);
      offset += width;
    }
  }
  return out;
}
