import { describe, expect, it } from 'vitest';
import { expectedPurchases } from '../../../src/predict/bg-nbd.js';
import { clvTiers, customerLifetimeValue, UNITS_PER_MONTH } from '../../../src/predict/clv.js';
import { expectedAverageSpend } from '../../../src/predict/gamma-gamma.js';

const BG_NBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GAMMA_GAMMA = { p: 6.25, q: 3.74, v: 15.44 };
const customer = { frequency: 2, recency: 30.43, age: 38.86, monetary: 22.35 };

describe('customerLifetimeValue', () => {
  it('is expected spend × expected purchases over the horizon when undiscounted', () => {
    const value = customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, {
      months: 12,
      unitsPerMonth: UNITS_PER_MONTH.weeks,
      monthlyDiscountRate: 0,
    });
    const purchases = expectedPurchases(BG_NBD, customer, 12 * UNITS_PER_MONTH.weeks);
    expect(value).toBeCloseTo(expectedAverageSpend(GAMMA_GAMMA, customer) * purchases, 10);
  });

  it('discounts later months, and is 0 over no months', () => {
    const options = { months: 24, unitsPerMonth: UNITS_PER_MONTH.weeks, monthlyDiscountRate: 0 };
    const undiscounted = customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, options);
    const discounted = customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, {
      ...options,
      monthlyDiscountRate: 0.01,
    });
    expect(discounted).toBeLessThan(undiscounted);
    expect(discounted).toBeGreaterThan(undiscounted / 1.01 ** 24);
    expect(customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, { ...options, months: 0 })).toBe(0);
    expect(() =>
      customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, { ...options, unitsPerMonth: 0 }),
    ).toThrow(RangeError);
  });
});

describe('clvTiers', () => {
  it('puts the top 20 % high, the next 30 % medium and the rest low', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1); // 1..10
    const { tiers, highThreshold, mediumThreshold } = clvTiers(values);
    expect(tiers).toEqual(['low', 'low', 'low', 'low', 'low', 'medium', 'medium', 'medium', 'high', 'high']);
    expect(highThreshold).toBe(9);
    expect(mediumThreshold).toBe(6);
  });

  it('takes the cutoffs as parameters', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(clvTiers(values, { high: 0.5, medium: 0.5 }).tiers.filter((tier) => tier === 'low')).toHaveLength(
      0,
    );
    const { tiers, mediumThreshold } = clvTiers(values, { high: 0.1, medium: 0 });
    expect(tiers.filter((tier) => tier === 'high')).toHaveLength(1);
    expect(tiers.filter((tier) => tier === 'medium')).toHaveLength(0);
    expect(mediumThreshold).toBe(Number.POSITIVE_INFINITY);
    expect(() => clvTiers(values, { high: 0.8, medium: 0.3 })).toThrow(RangeError);
  });

  it('never splits equal values between tiers', () => {
    const { tiers } = clvTiers([5, 5, 5, 5, 1, 1, 1, 1, 1, 1]);
    expect(new Set(tiers.slice(0, 4))).toEqual(new Set(['high']));
    expect(new Set(tiers.slice(4))).toEqual(new Set(['medium']));
  });
});
