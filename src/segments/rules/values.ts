import { parseInstant } from './dates.js';

/*
 * Comparison of a profile's value (a trait, an event property, a metric) with a rule's value,
 * prepared once per rule so the per-profile test is a few type checks and compares:
 * - numbers compare as numbers; a numeric string on the profile side counts as its number;
 * - a rule string that is an ISO date compares as an instant with profile values that are dates
 *   (ISO strings or epoch ms) for lt / lte / gt / gte / between;
 * - other strings compare case-insensitively (eq, in, contains; ordering by lower-cased code units);
 * - booleans match booleans and the strings "true" / "false";
 * - `contains` on an array (tags, categories) asks whether an element equals the value;
 * - null, undefined, '' and [] are "no value": every positive comparison fails, and each negative
 *   op (neq, not_in, not_contains, not_exists) is exactly the negation of its positive op, so it
 *   holds for profiles without a value.
 */

export type Scalar = string | number | boolean;

export interface Comparison {
  test(actual: unknown): boolean;
  /** `> 3`, `= "Shoes"`, `in ["a", "b"]`: the rule side, for explanations. */
  readonly text: string;
  /** The numbers a numeric actual is compared with: where its answer can change. */
  readonly thresholds: readonly number[];
}

export type ComparisonSpec =
  | { op: 'eq' | 'neq'; value: Scalar }
  | { op: 'in' | 'not_in'; value: readonly Scalar[] }
  | { op: 'contains' | 'not_contains'; value: string | number }
  | { op: 'lt' | 'lte' | 'gt' | 'gte'; value: string | number }
  | { op: 'between'; value: readonly [string | number, string | number] }
  | { op: 'exists' | 'not_exists' };

export function hasValue(actual: unknown): boolean {
  if (actual === undefined || actual === null || actual === '') return false;
  return !(Array.isArray(actual) && actual.length === 0);
}

function asNumber(actual: unknown): number | undefined {
  if (typeof actual === 'number') return Number.isFinite(actual) ? actual : undefined;
  if (typeof actual === 'string' && actual.trim() !== '') {
    const n = Number(actual);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * `text.toLowerCase() === lower` without building the lower-cased copy while the text is ASCII
 * (the usual case): this runs for every event of every profile in a recompute.
 */
function equalsLowerCase(text: string, lower: string): boolean {
  if (text.length !== lower.length)
    return text.length > 0 && hasNonAscii(text) && text.toLowerCase() === lower;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 128) return text.toLowerCase() === lower;
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return true;
  return false;
}

/** `actual` equals `expected` under the rules above. */
function equalsTo(expected: Scalar): (actual: unknown) => boolean {
  if (typeof expected === 'number') return (actual) => asNumber(actual) === expected;
  if (typeof expected === 'boolean') {
    const word = String(expected);
    return (actual) => actual === expected || (typeof actual === 'string' && actual.toLowerCase() === word);
  }
  const lower = expected.toLowerCase();
  return (actual) => {
    if (typeof actual === 'string') return actual === expected || equalsLowerCase(actual, lower);
    if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual) === lower;
    return false;
  };
}

/** Orders `actual` against `expected`: negative, zero, positive, or NaN when they do not compare. */
function orderAgainst(expected: string | number): (actual: unknown) => number {
  if (typeof expected === 'number') {
    return (actual) => {
      const n = asNumber(actual);
      return n === undefined ? Number.NaN : n - expected;
    };
  }
  const instant = parseInstant(expected);
  if (instant !== undefined) {
    return (actual) => {
      const at = typeof actual === 'string' || typeof actual === 'number' ? parseInstant(actual) : undefined;
      return at === undefined ? Number.NaN : at - instant;
    };
  }
  const lower = expected.toLowerCase();
  return (actual) => {
    if (typeof actual !== 'string') return Number.NaN;
    const text = actual.toLowerCase();
    return text < lower ? -1 : text > lower ? 1 : 0;
  };
}

const show = (value: unknown): string => JSON.stringify(value);
const SYMBOL = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

export function compileComparison(spec: ComparisonSpec): Comparison {
  const numbers = (values: readonly unknown[]) => values.filter((v): v is number => typeof v === 'number');
  switch (spec.op) {
    case 'eq':
    case 'neq': {
      const equals = equalsTo(spec.value);
      const negate = spec.op === 'neq';
      return {
        test: (actual) => equals(actual) !== negate,
        text: `${negate ? '!=' : '='} ${show(spec.value)}`,
        thresholds: numbers([spec.value]),
      };
    }
    case 'in':
    case 'not_in': {
      const tests = spec.value.map(equalsTo);
      const negate = spec.op === 'not_in';
      return {
        test: (actual) => {
          for (const equals of tests) if (equals(actual)) return !negate;
          return negate;
        },
        text: `${negate ? 'not in' : 'in'} ${show(spec.value)}`,
        thresholds: numbers(spec.value),
      };
    }
    case 'contains':
    case 'not_contains': {
      const needle = String(spec.value).toLowerCase();
      const element = equalsTo(spec.value);
      const negate = spec.op === 'not_contains';
      const contains = (actual: unknown): boolean => {
        if (typeof actual === 'string') return actual.toLowerCase().includes(needle);
        if (Array.isArray(actual)) {
          for (const item of actual) if (element(item)) return true;
        }
        return false;
      };
      return {
        test: (actual) => contains(actual) !== negate,
        text: `${negate ? 'does not contain' : 'contains'} ${show(spec.value)}`,
        thresholds: [],
      };
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const order = orderAgainst(spec.value);
      const accept =
        spec.op === 'lt'
          ? (d: number) => d < 0
          : spec.op === 'lte'
            ? (d: number) => d <= 0
            : spec.op === 'gt'
              ? (d: number) => d > 0
              : (d: number) => d >= 0;
      // NaN (no comparable value) fails every one of these.
      return {
        test: (actual) => accept(order(actual)),
        text: `${SYMBOL[spec.op]} ${show(spec.value)}`,
        thresholds: numbers([spec.value]),
      };
    }
    case 'between': {
      const [low, high] = spec.value;
      const fromLow = orderAgainst(low);
      const fromHigh = orderAgainst(high);
      return {
        test: (actual) => fromLow(actual) >= 0 && fromHigh(actual) <= 0,
        text: `between ${show(low)} and ${show(high)}`,
        thresholds: numbers([low, high]),
      };
    }
    case 'exists':
      return { test: hasValue, text: 'exists', thresholds: [] };
    case 'not_exists':
      return { test: (actual) => !hasValue(actual), text: 'does not exist', thresholds: [] };
  }
}

/** A value as it appears in an explanation: JSON, shortened. */
export function showActual(actual: unknown): string {
  if (actual === undefined) return '(none)';
  const text = JSON.stringify(actual) ?? String(actual);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
