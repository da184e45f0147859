import { type CompiledNode, earliest, leaf } from './compiled-node.js';
import { parseInstant } from './dates.js';
import {
  compileEventMatcher,
  compileNumberTest,
  type EventMatcher,
  inWindow,
  type NumberTest,
  unitText,
  windowLength,
} from './event-match.js';
import { DAY_MS, durationMs } from './limits.js';
import type { EventNode, LastPerformedNode, NotEventNode, RuleWindow } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';

const AT_LEAST_ONCE = { op: 'gte', value: 1 } as const;
const NEVER = { op: 'eq', value: 0 } as const;

/** `event` (performed, N times, within a window) and `not_event` (not performed within it). */
export function compileEventCount(node: EventNode | NotEventNode, path: string): CompiledNode {
  const matches = compileEventMatcher(node.event, node.where);
  const length = windowLength(node.within);
  const countOk = compileNumberTest(node.type === 'event' ? (node.count ?? AT_LEAST_ONCE) : NEVER);
  // `not_event` stops at the first match too: eq 0 is decided by one.
  const testStopsAt = node.type === 'event' ? countOk.enough : 1;

  const countAt = (snapshot: ProfileSnapshot, now: number, stopAt: number): number => {
    const events = snapshot.events;
    let count = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (inWindow(event.at, now, length) && matches(event) && ++count >= stopAt) break;
    }
    return count;
  };
  const scope = describeScope(matches, node.within);
  return leaf(node.type, path, {
    test: (snapshot, now) => countOk(countAt(snapshot, now, testStopsAt)),
    detail: (snapshot, now) => {
      const count = countAt(snapshot, now, Number.POSITIVE_INFINITY);
      const last = latestMatch(snapshot, now, matches);
      const lastText = last === undefined ? '' : ` (latest ${new Date(last).toISOString()})`;
      return node.type === 'event'
        ? `count of ${scope} = ${count} ${countOk.text}${lastText}`
        : `no ${scope}: found ${count}${lastText}`;
    },
    nextChange: countChangeReplayer(matches, length, countOk),
  });
}

function describeScope(matches: EventMatcher, within: RuleWindow | undefined): string {
  return within
    ? `${matches.text} in the last ${unitText(within.last, within.unit)}`
    : `${matches.text} ever`;
}

/** The latest matching event at or before `now`. */
function latestMatch(snapshot: ProfileSnapshot, now: number, matches: EventMatcher): number | undefined {
  let latest: number | undefined;
  for (const event of snapshot.events) {
    if (event.at <= now && (latest === undefined || event.at > latest) && matches(event)) latest = event.at;
  }
  return latest;
}

/**
 * Replays the window's future: each matching event enters at `at` and leaves at `at + W`; the
 * first instant at which the count's test answers differently is the change. The time lists are
 * reused between calls (a scheduler asks for every member), and single-threaded JS makes that safe.
 */
function countChangeReplayer(matches: EventMatcher, length: number, countOk: NumberTest) {
  const enters: number[] = [];
  const leaves: number[] = [];
  const ascending = (a: number, b: number) => a - b;
  return (snapshot: ProfileSnapshot, now: number): number | null => {
    enters.length = 0;
    leaves.length = 0;
    let count = 0;
    for (const event of snapshot.events) {
      if (!matches(event)) continue;
      const leavesAt = event.at + length;
      if (event.at > now) enters.push(event.at);
      else if (leavesAt > now) count++;
      if (leavesAt > now && leavesAt !== Number.POSITIVE_INFINITY) leaves.push(leavesAt);
    }
    if (enters.length === 0 && leaves.length === 0) return null;
    const current = countOk(count);
    enters.sort(ascending);
    leaves.sort(ascending);
    let e = 0;
    let l = 0;
    while (e < enters.length || l < leaves.length) {
      const at = Math.min(enters[e] ?? Number.POSITIVE_INFINITY, leaves[l] ?? Number.POSITIVE_INFINITY);
      while (e < enters.length && enters[e] === at) {
        count++;
        e++;
      }
      while (l < leaves.length && leaves[l] === at) {
        count--;
        l++;
      }
      if (countOk(count) !== current) return at;
    }
    return null;
  };
}

interface Bound {
  /** For a relative bound: its length (ms); for an absolute one: undefined. */
  readonly agoMs?: number;
  readonly instant?: number;
  readonly text: string;
}

function compileBound(bound: LastPerformedNode['before'], side: 'before' | 'after'): Bound | undefined {
  if (!bound) return undefined;
  // The schema guarantees a parseable date, or `ago` with its unit.
  if (bound.date !== undefined) return { instant: parseInstant(bound.date)!, text: `${side} ${bound.date}` };
  const ago = bound.ago ?? 0;
  const unit = bound.unit ?? 'days';
  return { agoMs: durationMs(ago, unit), text: `${side} ${unitText(ago, unit)} ago` };
}

/**
 * `last_performed`: the latest matching event (at or before now) is before and/or after a point.
 * Relative: before N ago = at or before now - N; after N ago = later than now - N (the two split
 * time at the same instant). Absolute: before D = earlier than D; after D = at or after D.
 * Never performed: false.
 */
export function compileLastPerformed(node: LastPerformedNode, path: string): CompiledNode {
  const matches = compileEventMatcher(node.event, node.where);
  const before = compileBound(node.before, 'before');
  const after = compileBound(node.after, 'after');
  const holds = (last: number | undefined, now: number): boolean => {
    if (last === undefined) return false;
    if (before) {
      if (before.agoMs !== undefined ? last > now - before.agoMs : last >= before.instant!) return false;
    }
    if (after) {
      if (after.agoMs !== undefined ? last <= now - after.agoMs : last < after.instant!) return false;
    }
    return true;
  };
  const wanted = [before?.text, after?.text].filter(Boolean).join(' and ');
  return leaf('last_performed', path, {
    test: (snapshot, now) => holds(latestMatch(snapshot, now, matches), now),
    detail: (snapshot, now) => {
      const last = latestMatch(snapshot, now, matches);
      if (last === undefined) return `${matches.text} never performed; wanted last ${wanted}`;
      const age = ((now - last) / DAY_MS).toFixed(1);
      return `last ${matches.text} at ${new Date(last).toISOString()} (${age} days ago); wanted ${wanted}`;
    },
    nextChange: (snapshot, now) => {
      // A relative bound flips when the latest event ages past it; a future event replaces the latest.
      let change: number | null = null;
      const last = latestMatch(snapshot, now, matches);
      for (const bound of [before, after]) {
        if (last !== undefined && bound?.agoMs !== undefined && last + bound.agoMs > now) {
          change = earliest(change, last + bound.agoMs);
        }
      }
      for (const event of snapshot.events) {
        if (event.at > now && matches(event)) change = earliest(change, event.at);
      }
      return change;
    },
  });
}
