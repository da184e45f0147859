import { traitReader } from './compile-trait.js';
import { durationMs, type WindowUnit } from './limits.js';
import type { NumberComparison, PropertyCondition, RuleWindow } from './schema.js';
import type { SnapshotEvent } from './snapshot.js';
import { compileComparison } from './values.js';

/** Whether an event has the rule's name (case-sensitive, as sources send it) and passes its `where`. */
export interface EventMatcher {
  (event: SnapshotEvent): boolean;
  /** `"Product Viewed" where category = "Shoes"`. */
  readonly text: string;
}

export function compileEventMatcher(name: string, where: readonly PropertyCondition[] = []): EventMatcher {
  const conditions = where.map((condition) => {
    const read = traitReader(condition.property);
    const comparison = compileComparison(condition);
    return {
      test: (event: SnapshotEvent) => comparison.test(read(event.properties)),
      text: `${condition.property} ${comparison.text}`,
    };
  });
  const tests = conditions.map((condition) => condition.test);
  const count = tests.length;
  const matcher = (event: SnapshotEvent): boolean => {
    if (event.name !== name) return false;
    for (let i = 0; i < count; i++) if (!tests[i]!(event)) return false;
    return true;
  };
  const text = `${JSON.stringify(name)}${count ? ` where ${conditions.map((c) => c.text).join(' and ')}` : ''}`;
  return Object.assign(matcher, { text });
}

export function unitText(amount: number, unit: WindowUnit): string {
  return `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}

/** Milliseconds of a window; Infinity when the rule has none (the whole history). */
export function windowLength(window: RuleWindow | undefined): number {
  return window ? durationMs(window.last, window.unit) : Number.POSITIVE_INFINITY;
}

/**
 * An event counts in a window of length W at time T when T - W < at <= T: it enters at `at` and
 * leaves at `at + W`. Events stamped after `now` (clock skew, scheduled imports) count from then on.
 */
export function inWindow(at: number, now: number, length: number): boolean {
  return at <= now && at > now - length;
}

export interface NumberTest {
  (count: number): boolean;
  readonly text: string;
  /** Counting can stop once it reaches this (`>= 3`: at 3); Infinity when every event matters. */
  readonly enough: number;
}

const SYMBOL = { eq: '=', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

export function compileNumberTest(spec: NumberComparison): NumberTest {
  if (spec.op === 'between') {
    const [low, high] = spec.value;
    return Object.assign((n: number) => n >= low && n <= high, {
      text: `between ${low} and ${high}`,
      enough: Number.POSITIVE_INFINITY,
    });
  }
  const value = spec.value;
  const test =
    spec.op === 'eq'
      ? (n: number) => n === value
      : spec.op === 'neq'
        ? (n: number) => n !== value
        : spec.op === 'lt'
          ? (n: number) => n < value
          : spec.op === 'lte'
            ? (n: number) => n <= value
            : spec.op === 'gt'
              ? (n: number) => n > value
              : (n: number) => n >= value;
  const enough =
    spec.op === 'gte'
      ? Math.ceil(value)
      : spec.op === 'gt'
        ? Math.floor(value) + 1
        : Number.POSITIVE_INFINITY;
  return Object.assign(test, { text: `${SYMBOL[spec.op]} ${value}`, enough });
}
