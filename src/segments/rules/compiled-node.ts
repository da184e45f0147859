import type { Calendar } from './calendar.js';
import type { RuleNode } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';

/** Why a node is true or false for one profile: mirrors the rule, one entry per node. */
export interface Explanation {
  readonly type: RuleNode['type'];
  /** JSONPath of the node in the rule: `$`, `$.children[1]`, `$.children[1].child`. */
  readonly path: string;
  readonly result: boolean;
  /** `frequency = 4 > 3`, `count of "Order Completed" in the last 30 days = 0 = 0`. */
  readonly detail: string;
  readonly children?: readonly Explanation[];
}

/**
 * A node prepared once per rule. `test` is the hot path (every profile of every recompute) and
 * allocates nothing; `explain` and `nextChange` are for one profile at a time.
 */
export interface CompiledNode {
  test(snapshot: ProfileSnapshot, now: number): boolean;
  explain(snapshot: ProfileSnapshot, now: number): Explanation;
  /**
   * The first instant after `now` at which `test` may answer differently through the passing of
   * time alone (the snapshot unchanged), or null when it cannot. Never later than the real change;
   * leaves are exact, groups may be earlier (the caller then re-evaluates and asks again).
   */
  nextChange(snapshot: ProfileSnapshot, now: number): number | null;
}

export interface CompileContext {
  readonly calendar: Calendar;
}

/** What a leaf compiler supplies; `leaf` turns it into a CompiledNode. */
export interface LeafParts {
  test(snapshot: ProfileSnapshot, now: number): boolean;
  detail(snapshot: ProfileSnapshot, now: number): string;
  nextChange?(snapshot: ProfileSnapshot, now: number): number | null;
}

export function leaf(type: RuleNode['type'], path: string, parts: LeafParts): CompiledNode {
  const nextChange = parts.nextChange;
  return {
    test: parts.test,
    explain: (snapshot, now) => ({
      type,
      path,
      result: parts.test(snapshot, now),
      detail: parts.detail(snapshot, now),
    }),
    // Clamped to the future: a change "now" or earlier would have the scheduler spin.
    nextChange: nextChange
      ? (snapshot, now) => {
          const at = nextChange(snapshot, now);
          return at === null ? null : Math.max(at, now + 1);
        }
      : () => null,
  };
}

/** The earlier of two change times, either possibly null (never). */
export function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** A part of a conjunction: a group's child, or one of a cart node's checks. */
export interface ConjunctionPart {
  test(snapshot: ProfileSnapshot, now: number): boolean;
  nextChange?(snapshot: ProfileSnapshot, now: number): number | null;
}

/**
 * When a conjunction's answer may change (with `wanted` false: the conjunction of the parts'
 * negations, which is how `any` is treated). True: when the first part turns. False: not before
 * every failing part has turned, so the latest of their changes is a safe bound, and never if one
 * of them cannot change; the holding parts need not even be asked.
 */
export function conjunctionChange(
  parts: readonly ConjunctionPart[],
  snapshot: ProfileSnapshot,
  now: number,
  wanted = true,
): number | null {
  let failing = 0;
  for (const part of parts) if (part.test(snapshot, now) !== wanted) failing++;
  if (failing === 0) {
    let change: number | null = null;
    for (const part of parts) change = earliest(change, part.nextChange?.(snapshot, now) ?? null);
    return change;
  }
  let bound = Number.NEGATIVE_INFINITY;
  for (const part of parts) {
    if (part.test(snapshot, now) === wanted) continue;
    const change = part.nextChange?.(snapshot, now) ?? null;
    if (change === null) return null;
    bound = Math.max(bound, change);
  }
  return bound;
}

function group(kind: 'all' | 'any', path: string, children: readonly CompiledNode[]): CompiledNode {
  const tests = children.map((child) => child.test);
  const count = tests.length;
  // `any` is the conjunction of the negations, so one change rule serves both.
  const wanted = kind === 'all';
  return {
    test:
      kind === 'all'
        ? (snapshot, now) => {
            for (let i = 0; i < count; i++) if (!tests[i]!(snapshot, now)) return false;
            return true;
          }
        : (snapshot, now) => {
            for (let i = 0; i < count; i++) if (tests[i]!(snapshot, now)) return true;
            return false;
          },
    explain(snapshot, now) {
      const explained = children.map((child) => child.explain(snapshot, now));
      const trueCount = explained.filter((child) => child.result).length;
      const result = kind === 'all' ? trueCount === count : trueCount > 0;
      return {
        type: kind,
        path,
        result,
        detail: `${trueCount} of ${count} conditions true; ${kind === 'all' ? 'all' : 'at least one'} required`,
        children: explained,
      };
    },
    nextChange: (snapshot, now) => conjunctionChange(children, snapshot, now, wanted),
  };
}

export const allOf = (path: string, children: readonly CompiledNode[]) => group('all', path, children);
export const anyOf = (path: string, children: readonly CompiledNode[]) => group('any', path, children);

export function notOf(path: string, child: CompiledNode): CompiledNode {
  return {
    test: (snapshot, now) => !child.test(snapshot, now),
    explain(snapshot, now) {
      const inner = child.explain(snapshot, now);
      return {
        type: 'not',
        path,
        result: !inner.result,
        detail: `the condition is ${inner.result ? 'true' : 'false'}`,
        children: [inner],
      };
    },
    nextChange: (snapshot, now) => child.nextChange(snapshot, now),
  };
}
