import { type CompiledNode, leaf } from './compiled-node.js';
import { DAY_MS } from './limits.js';
import { METRICS, type MetricDefinition, type StoredMetricName } from './metrics.js';
import type { MetricNode } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';
import { compileComparison, showActual } from './values.js';

export function compileMetric(node: MetricNode, path: string): CompiledNode {
  const comparison = compileComparison(node);
  const definition: MetricDefinition = METRICS[node.metric];
  const label = node.metric;
  const clock = definition.clock;

  if (!clock) {
    const name = node.metric as StoredMetricName;
    const readValue = (snapshot: ProfileSnapshot) => snapshot.metrics[name];
    return leaf('metric', path, {
      test: (snapshot) => comparison.test(readValue(snapshot)),
      detail: (snapshot) => `${label} = ${showActual(readValue(snapshot))} ${comparison.text}`,
    });
  }

  // Whole days elapsed since the timestamp (rolling 24 h days; an instant in the future is day 0).
  const timeOf = (snapshot: ProfileSnapshot): number | null => snapshot[clock] ?? null;
  const daysAt = (at: number, now: number) => Math.max(0, Math.floor((now - at) / DAY_MS));
  const valueAt = (snapshot: ProfileSnapshot, now: number): number | null => {
    const at = timeOf(snapshot);
    return at === null ? null : daysAt(at, now);
  };
  // The day counts at which the comparison's answer can flip: just past each threshold.
  const boundaries = [
    ...new Set(comparison.thresholds.flatMap((x) => [Math.floor(x) + 1, Math.ceil(x)])),
  ].sort((a, b) => a - b);
  return leaf('metric', path, {
    test: (snapshot, now) => comparison.test(valueAt(snapshot, now)),
    detail: (snapshot, now) => `${label} = ${showActual(valueAt(snapshot, now))} ${comparison.text}`,
    nextChange: (snapshot, now) => {
      const at = timeOf(snapshot);
      if (at === null) return null;
      const days = daysAt(at, now);
      const current = comparison.test(days);
      for (const boundary of boundaries) {
        if (boundary > days && comparison.test(boundary) !== current) return at + boundary * DAY_MS;
      }
      return null;
    },
  });
}
