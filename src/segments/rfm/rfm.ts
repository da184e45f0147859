import { type RfmGroup, rfmGroup } from './groups.js';
import { type RfmCustomer, type RfmOptions, type RfmOptionsInput, rfmOptionsSchema } from './options.js';
import { quantileBreaks } from './quantile.js';
import { daysSince } from './recency.js';
import { scoreValue } from './score.js';

export interface RfmScore {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  /** The three scores concatenated, e.g. '451'. */
  rfmClass: string;
  /** Named group; null unless bins = 5 (the segment map is defined on quintile scores). */
  group: RfmGroup | null;
}

export interface RfmBreaks {
  recency: number[];
  frequency: number[];
  monetary: number[];
}

export interface RfmResult {
  options: RfmOptions;
  /** Inner quantile breaks per dimension, over the scored customers only; null when none is scored. */
  breaks: RfmBreaks | null;
  scored: RfmScore[];
  /**
   * Customers with no orders get no score: they have no recency at all, and counting them in
   * the quantiles would drag every break towards zero and push one-order buyers up the scale.
   */
  unscored: Array<{ customerId: string; reason: 'no_orders' }>;
}

function recencyOf(customer: RfmCustomer, analysisDate: Date): number {
  if (customer.recencyDays !== undefined) return customer.recencyDays;
  if (customer.lastOrderAt !== undefined) return daysSince(customer.lastOrderAt, analysisDate);
  throw new TypeError(`customer ${customer.customerId} has orders but neither recencyDays nor lastOrderAt`);
}

/**
 * Scores customers against each other: breaks are the quantiles of this population, so a score
 * says where a customer stands among the customers passed in, not against a fixed threshold.
 */
export function scoreRfm(customers: readonly RfmCustomer[], optionsInput: RfmOptionsInput): RfmResult {
  const options = rfmOptionsSchema.parse(optionsInput);
  const buyers = customers.filter((c) => c.frequency > 0);
  const unscored = customers
    .filter((c) => c.frequency <= 0)
    .map((c) => ({ customerId: c.customerId, reason: 'no_orders' as const }));
  if (buyers.length === 0) return { options, breaks: null, scored: [], unscored };

  const recency = buyers.map((c) => recencyOf(c, options.analysisDate));
  const breaks: RfmBreaks = {
    recency: quantileBreaks(recency, options.bins),
    frequency: quantileBreaks(
      buyers.map((c) => c.frequency),
      options.bins,
    ),
    monetary: quantileBreaks(
      buyers.map((c) => c.monetary),
      options.bins,
    ),
  };
  const { orientation, bins } = options;
  const scored = buyers.map((c, i): RfmScore => {
    const recencyDays = recency[i]!;
    const r = scoreValue(recencyDays, breaks.recency, 'lower-is-better', orientation);
    const f = scoreValue(c.frequency, breaks.frequency, 'higher-is-better', orientation);
    const m = scoreValue(c.monetary, breaks.monetary, 'higher-is-better', orientation);
    let group: RfmGroup | null = null;
    if (bins === 5) {
      // The map is written with 5 best; flip a 1-best scale onto it.
      group = orientation === 'max-is-best' ? rfmGroup(r, f, m) : rfmGroup(6 - r, 6 - f, 6 - m);
    }
    return {
      customerId: c.customerId,
      recencyDays,
      frequency: c.frequency,
      monetary: c.monetary,
      r,
      f,
      m,
      rfmClass: `${r}${f}${m}`,
      group,
    };
  });
  return { options, breaks, scored, unscored };
}
