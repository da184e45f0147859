import { WeakKeyedMemo } from '../../lib/maps.js';
import { createCalendar } from './calendar.js';
import { compileCart } from './compile-cart.js';
import { compileEventCount, compileLastPerformed } from './compile-event.js';
import { compileConsent, compileRandomBucket, compileSegmentMembership } from './compile-membership.js';
import { compileMetric } from './compile-metric.js';
import { compileTrait } from './compile-trait.js';
import {
  allOf,
  anyOf,
  type CompileContext,
  type CompiledNode,
  type Explanation,
  notOf,
} from './compiled-node.js';
import { formatJsonPath } from './json-path.js';
import { METRICS, type MetricDefinition } from './metrics.js';
import type { RuleNode, SegmentRule } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';
import { forEachNode } from './walk.js';

export interface CompileOptions {
  /**
   * IANA time zone whose calendar days `birthday_today` / `anniversary_today` use (default UTC).
   * Windows (`within`, `within_last_days`, cart age, clock metrics) are rolling durations and do
   * not depend on it. An unknown zone throws a RangeError.
   */
  timeZone?: string;
}

/** Whether a profile is in the segment at `now` (UTC epoch ms). */
export type SegmentEvaluator = (snapshot: ProfileSnapshot, now: number) => boolean;

export interface CompiledRule {
  readonly matches: SegmentEvaluator;
  /** False when no node depends on the clock: `nextChangeAt` is then always null and need not be asked. */
  readonly timeDependent: boolean;
  readonly explain: (snapshot: ProfileSnapshot, now: number) => Explanation;
  readonly nextChangeAt: (snapshot: ProfileSnapshot, now: number) => number | null;
}

function compileNode(
  node: RuleNode,
  path: ReadonlyArray<PropertyKey>,
  context: CompileContext,
): CompiledNode {
  const at = formatJsonPath(path);
  switch (node.type) {
    case 'all':
      return allOf(
        at,
        node.children.map((child, i) => compileNode(child, [...path, 'children', i], context)),
      );
    case 'any':
      return anyOf(
        at,
        node.children.map((child, i) => compileNode(child, [...path, 'children', i], context)),
      );
    case 'not':
      return notOf(at, compileNode(node.child, [...path, 'child'], context));
    case 'trait':
      return compileTrait(node, at, context);
    case 'metric':
      return compileMetric(node, at);
    case 'event':
    case 'not_event':
      return compileEventCount(node, at);
    case 'last_performed':
      return compileLastPerformed(node, at);
    case 'cart':
      return compileCart(node, at);
    case 'consent':
      return compileConsent(node, at);
    case 'segment':
      return compileSegmentMembership(node, at);
    case 'random_bucket':
      return compileRandomBucket(node, at);
  }
}

/** Whether any node's answer can change as time passes (windows, dates, clock metrics, future events). */
export function isTimeDependent(rule: SegmentRule): boolean {
  let dependent = false;
  forEachNode(rule, (node) => {
    switch (node.type) {
      case 'trait':
        if (
          ['within_last_days', 'more_than_days_ago', 'anniversary_today', 'birthday_today'].includes(node.op)
        ) {
          dependent = true;
        }
        return;
      case 'metric':
        if ((METRICS[node.metric] as MetricDefinition).clock) dependent = true;
        return;
      case 'event':
      case 'not_event':
      case 'last_performed':
        // Even without a window: an event stamped in the future starts counting when its time comes.
        dependent = true;
        return;
      case 'cart':
        if (node.updatedWithin || node.notUpdatedWithin) dependent = true;
        return;
      default:
        return;
    }
  });
  return dependent;
}

/**
 * Prepares a validated rule once: closures per node, so a full recompute (segments × profiles)
 * never walks the JSON again. The rule must come from `parseSegmentRule`.
 */
export function compileRule(rule: SegmentRule, options: CompileOptions = {}): CompiledRule {
  const root = compileNode(rule, [], { calendar: createCalendar(options.timeZone) });
  return {
    matches: root.test,
    timeDependent: isTimeDependent(rule),
    explain: root.explain,
    nextChangeAt: root.nextChange,
  };
}

/** The evaluator alone: `(snapshot, now) => boolean`. */
export function compileSegmentRule(rule: SegmentRule, options: CompileOptions = {}): SegmentEvaluator {
  return compileRule(rule, options).matches;
}

// Callers of the one-profile helpers below usually pass the same rule object many times (a
// scheduler walking members); compiling once per rule object and zone keeps that cheap.
const compiledByRule = new WeakKeyedMemo<SegmentRule, CompiledRule>();

function cachedCompile(rule: SegmentRule, options: CompileOptions): CompiledRule {
  return compiledByRule.get(rule, options.timeZone ?? 'UTC', () => compileRule(rule, options));
}

/** Why the profile is in or out: a tree mirroring the rule, each node with its result and detail. */
export function explainSegmentRule(
  rule: SegmentRule,
  snapshot: ProfileSnapshot,
  now: number,
  options: CompileOptions = {},
): Explanation {
  return cachedCompile(rule, options).explain(snapshot, now);
}

/**
 * The earliest instant after `now` at which the profile's membership may change with no new data
 * (an event leaving a window, a cart ageing, a birthday starting or ending), or null when only new
 * data can change it. Never later than the real change; it may be earlier, so the scheduler
 * re-evaluates then and asks again. Segment references count as time-independent here.
 */
export function nextChangeAt(
  rule: SegmentRule,
  snapshot: ProfileSnapshot,
  now: number,
  options: CompileOptions = {},
): number | null {
  return cachedCompile(rule, options).nextChangeAt(snapshot, now);
}
