/**
 * The metrics a rule may name. A fixed list: a typo in a metric name is a validation error naming
 * the allowed ones, not a segment that silently matches nobody.
 */
export interface MetricDefinition {
  kind: 'number' | 'string';
  description: string;
  /** For string metrics with a closed set of values: a rule comparing with anything else is rejected. */
  values?: readonly string[];
  /**
   * Clock metrics grow with time. The evaluator computes them from a timestamp in the snapshot
   * (whole days elapsed at `now`), so they stay right between recomputes and `nextChangeAt` can
   * say when a threshold will be crossed.
   */
  clock?: 'lastOrderAt' | 'lastEventAt';
}

export const METRICS = {
  recency_days: {
    kind: 'number',
    description: 'whole days since the last order (from snapshot.lastOrderAt; null without orders)',
    clock: 'lastOrderAt',
  },
  frequency: { kind: 'number', description: 'number of orders' },
  monetary: { kind: 'number', description: 'total spent' },
  aov: { kind: 'number', description: 'average order value' },
  engagement: { kind: 'number', description: 'decayed engagement score' },
  clv: { kind: 'number', description: 'predicted customer lifetime value' },
  clv_tier: { kind: 'string', description: 'CLV tier', values: ['high', 'medium', 'low'] },
  propensity: { kind: 'number', description: 'probability of purchase in the prediction horizon (0..1)' },
  expected_purchases: { kind: 'number', description: 'expected purchases in the prediction horizon' },
  p_alive: { kind: 'number', description: 'probability the customer is still active (0..1)' },
  rfm_r: { kind: 'number', description: 'RFM recency score (1..5)' },
  rfm_f: { kind: 'number', description: 'RFM frequency score (1..5)' },
  rfm_m: { kind: 'number', description: 'RFM monetary score (1..5)' },
  rfm_group: { kind: 'string', description: 'RFM group, e.g. "Champions", "At Risk"' },
  cluster: { kind: 'string', description: 'behavioural cluster label or id' },
  days_since_last_event: {
    kind: 'number',
    description: 'whole days since the last event of any kind (from snapshot.lastEventAt)',
    clock: 'lastEventAt',
  },
  cart_value: { kind: 'number', description: 'value of the open cart' },
  last_viewed_category: { kind: 'string', description: 'category of the last product viewed' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as [MetricName, ...MetricName[]];

/** Metrics the evaluator derives from snapshot timestamps rather than reading from `snapshot.metrics`. */
export type ClockMetricName = {
  [K in MetricName]: (typeof METRICS)[K] extends { clock: string } ? K : never;
}[MetricName];
/** Metrics the loader puts in `snapshot.metrics`. */
export type StoredMetricName = Exclude<MetricName, ClockMetricName>;

export function metricDefinition(name: MetricName): MetricDefinition {
  return METRICS[name];
}
