import type { z } from 'zod';
import type { MetricDefinition, MetricName } from './metrics.js';

const ORDER_OPS: ReadonlySet<string> = new Set(['lt', 'lte', 'gt', 'gte', 'between']);

/**
 * A metric condition's value must suit the metric: numbers for number metrics, known words for
 * closed string metrics (`clv_tier`), and no ordering of strings (`rfm_group > "Champions"` means
 * nothing).
 */
export function checkMetricValue(
  node: { metric: MetricName; op: string; value?: unknown },
  metric: MetricDefinition,
  ctx: z.RefinementCtx,
): void {
  if (node.value === undefined) return;
  if (metric.kind === 'string' && ORDER_OPS.has(node.op)) {
    ctx.addIssue({
      code: 'custom',
      path: ['op'],
      message: `${node.metric} is a text metric; use eq, neq, in, not_in, exists or not_exists`,
    });
    return;
  }
  const values = Array.isArray(node.value) ? node.value : [node.value];
  values.forEach((value, index) => {
    const path = Array.isArray(node.value) ? ['value', index] : ['value'];
    if (metric.kind === 'number' && typeof value !== 'number') {
      ctx.addIssue({ code: 'custom', path, message: `${node.metric} is a number; expected a number` });
    } else if (metric.kind === 'string' && typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', path, message: `${node.metric} is text; expected a string` });
    } else if (
      metric.values &&
      typeof value === 'string' &&
      !metric.values.some((known) => known.toLowerCase() === value.toLowerCase())
    ) {
      ctx.addIssue({ code: 'custom', path, message: `expected one of: ${metric.values.join(', ')}` });
    }
  });
}
