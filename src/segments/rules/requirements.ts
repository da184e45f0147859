import { windowLength } from './event-match.js';
import { durationMs } from './limits.js';
import { METRICS, type MetricDefinition, type MetricName } from './metrics.js';
import type { SegmentRule, TimeBound } from './schema.js';
import type { ConsentChannel } from './snapshot.js';
import { forEachNode } from './walk.js';

export interface EventRequirement {
  readonly name: string;
  /**
   * How far back (ms before `now`) events of this name must be loaded; null = the whole history.
   * Events stamped after `now` are needed too (they count from their own time on).
   */
  readonly lookbackMs: number | null;
  /** Property paths `where` conditions read; empty when only names and times are needed. */
  readonly properties: readonly string[];
}

/** What evaluating a set of rules needs loaded into each ProfileSnapshot; anything else may stay empty. */
export interface RuleRequirements {
  readonly traits: readonly string[];
  readonly metrics: readonly MetricName[];
  /** Snapshot timestamps the clock metrics (`recency_days`, `days_since_last_event`) are computed from. */
  readonly clocks: readonly ('lastOrderAt' | 'lastEventAt')[];
  readonly events: readonly EventRequirement[];
  readonly cart: boolean;
  readonly consent: readonly ConsentChannel[];
  readonly segments: readonly string[];
}

/**
 * How far back the latest event must be known for `last_performed`. A relative `after` bound looks
 * only that far back: when the latest event is older, the rule is false whether or not it is
 * loaded. Without one (`before` alone, or an absolute `after` date whose distance from now grows)
 * the whole history is needed.
 */
function lastPerformedLookback(after: TimeBound | undefined): number | null {
  if (after?.ago !== undefined && after.unit) return durationMs(after.ago, after.unit);
  return null;
}

export function requirementsOf(rules: readonly SegmentRule[]): RuleRequirements {
  const traits = new Set<string>();
  const metrics = new Set<MetricName>();
  const clocks = new Set<'lastOrderAt' | 'lastEventAt'>();
  const events = new Map<string, { lookbackMs: number | null; properties: Set<string> }>();
  const consent = new Set<ConsentChannel>();
  const segments = new Set<string>();
  let cart = false;

  const needEvents = (
    name: string,
    lookbackMs: number | null,
    where: readonly { property: string }[] = [],
  ) => {
    const entry = events.get(name);
    if (!entry) {
      events.set(name, { lookbackMs, properties: new Set(where.map((w) => w.property)) });
      return;
    }
    entry.lookbackMs =
      entry.lookbackMs === null || lookbackMs === null ? null : Math.max(entry.lookbackMs, lookbackMs);
    for (const condition of where) entry.properties.add(condition.property);
  };

  for (const rule of rules) {
    forEachNode(rule, (node) => {
      switch (node.type) {
        case 'trait':
          traits.add(node.trait);
          return;
        case 'metric': {
          metrics.add(node.metric);
          const definition: MetricDefinition = METRICS[node.metric];
          if (definition.clock) clocks.add(definition.clock);
          return;
        }
        case 'event':
        case 'not_event': {
          const length = windowLength(node.within);
          needEvents(node.event, Number.isFinite(length) ? length : null, node.where);
          return;
        }
        case 'last_performed':
          needEvents(node.event, lastPerformedLookback(node.after), node.where);
          return;
        case 'cart':
          cart = true;
          return;
        case 'consent':
          consent.add(node.channel);
          return;
        case 'segment':
          segments.add(node.segment);
          return;
        default:
          return;
      }
    });
  }

  const sorted = <T extends string>(values: Iterable<T>) => [...values].sort();
  return {
    traits: sorted(traits),
    metrics: sorted(metrics),
    clocks: sorted(clocks),
    events: sorted(events.keys()).map((name) => {
      const entry = events.get(name)!;
      return { name, lookbackMs: entry.lookbackMs, properties: sorted(entry.properties) };
    }),
    cart,
    consent: sorted(consent),
    segments: sorted(segments),
  };
}
