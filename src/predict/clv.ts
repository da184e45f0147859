import { type BgNbdParams, expectedPurchases, type PurchaseHistory } from './bg-nbd.js';
import { expectedAverageSpend, type GammaGammaParams } from './gamma-gamma.js';

/**
 * Customer lifetime value over a finite horizon: BG/NBD's expected purchases × Gamma-Gamma's
 * expected spend per purchase, month by month, each month discounted. This is lifetimes'
 * `customer_lifetime_value`: month i contributes spend × (E[Y(i·m)] − E[Y((i−1)·m)]) / (1+d)^i,
 * with m time units per month. With d = 0 it is spend × E[Y(months·m)].
 */

export interface ClvOptions {
  /** Months of future purchases counted. */
  months: number;
  /** Time units per month, in the unit of the histories: see UNITS_PER_MONTH. */
  unitsPerMonth: number;
  /** Discount rate per month (0.01 ≈ 12.7 % a year); 0 leaves the value undiscounted. */
  monthlyDiscountRate: number;
}

/** lifetimes' factors: a month is 30 days, or 4.345 weeks. */
export const UNITS_PER_MONTH = { days: 30, weeks: 4.345 } as const;

export interface ClvCustomer extends PurchaseHistory {
  /** Mean value of the repeat purchases (0 or anything without repeat purchases). */
  monetary: number;
}

export function customerLifetimeValue(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: ClvCustomer,
  options: ClvOptions,
): number {
  if (!(options.months >= 0 && options.unitsPerMonth > 0 && options.monthlyDiscountRate > -1)) {
    throw new RangeError('CLV needs months ≥ 0, unitsPerMonth > 0 and a discount rate above −100 %');
  }
  const spend = expectedAverageSpend(gammaGamma, customer);
  let value = 0;
  let before = 0;
  for (let month = 1; month <= options.months; month++) {
    const upTo = expectedPurchases(bgNbd, customer, month * options.unitsPerMonth);
    value += (spend * (upTo - before)) / (1 + options.monthlyDiscountRate) ** month;
    before = upTo;
  }
  return value;
}

export type ClvTier = 'high' | 'medium' | 'low';

/** Shares of customers, from the top: high = top 20 %, medium = the next 30 %, low = the rest. */
export interface TierCutoffs {
  high: number;
  medium: number;
}

export const DEFAULT_TIER_CUTOFFS: TierCutoffs = { high: 0.2, medium: 0.3 };

export interface ClvTiers {
  tiers: ClvTier[];
  /** Values at or above this are high (Infinity when the tier's share rounds to no customer). */
  highThreshold: number;
  /** Values at or above this and below `highThreshold` are medium (Infinity likewise). */
  mediumThreshold: number;
}

/**
 * Tiers by rank of value. Customers tied at a cutoff all take the higher tier, so a tier can hold a
 * few more than its share: two customers with the same value never land in different tiers.
 */
export function clvTiers(values: readonly number[], cutoffs: TierCutoffs = DEFAULT_TIER_CUTOFFS): ClvTiers {
  const { high, medium } = cutoffs;
  if (!(high >= 0 && medium >= 0 && high + medium <= 1)) {
    throw new RangeError(`tier cutoffs must be shares ≥ 0 adding up to at most 1, got ${high} and ${medium}`);
  }
  if (!values.every(Number.isFinite)) throw new RangeError('CLV values must be finite numbers');
  const sorted = [...values].sort((left, right) => right - left);
  const thresholdAt = (count: number): number =>
    count > 0 ? sorted[Math.min(count, sorted.length) - 1]! : Number.POSITIVE_INFINITY;
  const highCount = Math.round(sorted.length * high);
  const mediumCount = Math.round(sorted.length * (high + medium));
  const highThreshold = thresholdAt(highCount);
  const mediumThreshold = mediumCount > highCount ? thresholdAt(mediumCount) : Number.POSITIVE_INFINITY;
  const tiers = values.map(
    (value): ClvTier => (value >= highThreshold ? 'high' : value >= mediumThreshold ? 'medium' : 'low'),
  );
  return { tiers, highThreshold, mediumThreshold };
}
