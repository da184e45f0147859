import { describe, expect, it } from 'vitest';
import {
  DegenerateDataError,
  InsufficientDataError,
  InvalidInputError,
} from '../../../src/predict/errors.js';
import {
  expectedAverageSpend,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
} from '../../../src/predict/gamma-gamma.js';
import { gammaDraw, seededRandom } from './simulate.js';

const TRUTH: GammaGammaParams = { p: 6, q: 4, v: 15 };

/** x purchases each worth Gamma(p, ν), ν ~ Gamma(q, v) per customer; returns (x, mean value). */
function simulateSpend(seed: number, customers: number, truth: GammaGammaParams) {
  const random = seededRandom(seed);
  return Array.from({ length: customers }, (_, i) => {
    const nu = gammaDraw(random, truth.q, truth.v);
    const frequency = 1 + (i % 8);
    let total = 0;
    for (let k = 0; k < frequency; k++) total += gammaDraw(random, truth.p, nu);
    return { frequency, monetary: total / frequency };
  });
}

describe('Gamma-Gamma', () => {
  it('recovers the parameters that generated the spend', () => {
    const histories = simulateSpend(3, 3000, TRUTH);
    const fit = fitGammaGamma(histories);
    expect(fit.customers).toBe(3000);
    expect(fit.params.p / TRUTH.p).toBeGreaterThan(0.85);
    expect(fit.params.p / TRUTH.p).toBeLessThan(1.15);
    // The population mean spend p·v/(q−1) is what the data pin down best.
    const mean = (params: GammaGammaParams) => (params.p * params.v) / (params.q - 1);
    expect(Math.abs(mean(fit.params) / mean(TRUTH) - 1)).toBeLessThan(0.05);
    const atTruth = histories.reduce((sum, history) => sum + gammaGammaLogLikelihood(TRUTH, history), 0);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
    // Spend was drawn independently of frequency.
    expect(Math.abs(fit.frequencyMonetaryCorrelation)).toBeLessThan(0.1);
  });

  it('does not depend on the currency unit except through v', () => {
    const histories = simulateSpend(5, 500, TRUTH);
    const dollars = fitGammaGamma(histories);
    const cents = fitGammaGamma(
      histories.map((history) => ({ ...history, monetary: history.monetary * 100 })),
    );
    // Equal up to where the simplex stops on a flat ridge of (q, v).
    expect(cents.params.p / dollars.params.p).toBeCloseTo(1, 4);
    expect(cents.params.q / dollars.params.q).toBeCloseTo(1, 4);
    expect(cents.params.v / 100 / dollars.params.v).toBeCloseTo(1, 4);
    // Each density picks up a Jacobian of 1/100.
    expect(cents.logLikelihood).toBeCloseTo(dollars.logLikelihood - 500 * Math.log(100), 4);
  });

  it('shrinks a customer’s mean towards the population mean, less as frequency grows', () => {
    const populationMean = (TRUTH.p * TRUTH.v) / (TRUTH.q - 1);
    expect(expectedAverageSpend(TRUTH, { frequency: 0, monetary: 0 })).toBeCloseTo(populationMean, 12);
    const one = expectedAverageSpend(TRUTH, { frequency: 1, monetary: 100 });
    const ten = expectedAverageSpend(TRUTH, { frequency: 10, monetary: 100 });
    expect(one).toBeGreaterThan(populationMean);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });

  it('fits only repeat customers with positive spend, and refuses too few of them', () => {
    const histories = [
      ...simulateSpend(7, 60, TRUTH),
      ...Array.from({ length: 100 }, () => ({ frequency: 0, monetary: 0 })),
      { frequency: 2, monetary: 0 },
    ];
    expect(() => fitGammaGamma(histories)).toThrow(
      'Gamma-Gamma needs at least 100 customers with repeat purchases of positive value, got 60',
    );
    expect(() => fitGammaGamma(histories)).toThrow(InsufficientDataError);
    const fit = fitGammaGamma(histories, { minCustomers: 50 });
    expect(fit.customers).toBe(60);
    expect(fit.offered).toBe(161);
  });

  it('refuses spend that does not vary, and rows that are not purchase histories', () => {
    const same = Array.from({ length: 200 }, (_, i) => ({ frequency: 1 + (i % 4), monetary: 25 }));
    expect(() => fitGammaGamma(same)).toThrow(DegenerateDataError);
    expect(() => fitGammaGamma([{ frequency: 1.5, monetary: 3 }])).toThrow(InvalidInputError);
  });

  it('refuses spend so heavy-tailed that the model runs off', () => {
    // Pareto-like spend with an infinite mean.
    const heavy = Array.from({ length: 300 }, (_, i) => ({
      frequency: 1,
      monetary: 1 / ((i + 0.5) / 300) ** 2,
    }));
    expect(() => fitGammaGamma(heavy)).toThrow(DegenerateDataError);
  });
});
