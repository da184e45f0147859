import { describe, expect, it } from 'vitest';
import {
  type BgNbdParams,
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  probabilityAlive,
} from '../../../src/predict/bg-nbd.js';
import { fitBgNbd } from '../../../src/predict/bg-nbd-fit.js';
import {
  DegenerateDataError,
  InsufficientDataError,
  InvalidInputError,
  type ModelRefusalError,
} from '../../../src/predict/errors.js';
import { seededRandom, simulateBgNbdCustomer } from './simulate.js';

const TRUTH: BgNbdParams = { r: 0.5, alpha: 10, a: 0.8, b: 2.5 };
const CDNOW: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD likelihood', () => {
  it('reduces to r·ln(α/(α+T)) without repeat purchases (every gamma term cancels)', () => {
    const { r, alpha } = CDNOW;
    expect(bgNbdLogLikelihood(CDNOW, { frequency: 0, recency: 0, age: 30 })).toBeCloseTo(
      r * Math.log(alpha / (alpha + 30)),
      12,
    );
  });

  it('matches FHL 2005 eq. 6 written out for x = 2', () => {
    const { r, alpha, a, b } = CDNOW;
    const [x, tx, T] = [2, 10, 30];
    const gamma = (n: number) => Math.exp(logGammaSmall(n));
    const beta = (p: number, q: number) => (gamma(p) * gamma(q)) / gamma(p + q);
    const common = (gamma(r + x) * alpha ** r) / gamma(r);
    const likelihood =
      (beta(a, b + x) / beta(a, b)) * (common / (alpha + T) ** (r + x)) +
      (beta(a + 1, b + x - 1) / beta(a, b)) * (common / (alpha + tx) ** (r + x));
    expect(bgNbdLogLikelihood(CDNOW, { frequency: x, recency: tx, age: T })).toBeCloseTo(
      Math.log(likelihood),
      10,
    );
  });
});

/**
 * ln Γ(x) computed independently of the code under test: the recurrence Γ(y+1) = yΓ(y) up to
 * y ≥ 10, then Stirling's series, whose first omitted term is below 1e-12 there.
 */
function logGammaSmall(x: number): number {
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += Math.log(y);
    y += 1;
  }
  const stirling =
    (y - 0.5) * Math.log(y) -
    y +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * y) -
    1 / (360 * y ** 3) +
    1 / (1260 * y ** 5) -
    1 / (1680 * y ** 7);
  return stirling - shift;
}

describe('BG/NBD predictions', () => {
  it('P(alive) is 1 without repeat purchases, below 1 otherwise, and higher for a recent last purchase', () => {
    expect(probabilityAlive(CDNOW, { frequency: 0, recency: 0, age: 38 })).toBe(1);
    const lapsed = probabilityAlive(CDNOW, { frequency: 3, recency: 5, age: 38 });
    const recent = probabilityAlive(CDNOW, { frequency: 3, recency: 35, age: 38 });
    expect(lapsed).toBeGreaterThan(0);
    expect(lapsed).toBeLessThan(recent);
    expect(recent).toBeLessThan(1);
    // Bought on the last day: only the a/(b+x−1) term keeps it below 1.
    expect(probabilityAlive(CDNOW, { frequency: 3, recency: 38, age: 38 })).toBeCloseTo(
      1 / (1 + CDNOW.a / (CDNOW.b + 2)),
      12,
    );
  });

  it('expects nothing over no time and more over a longer horizon', () => {
    const history = { frequency: 2, recency: 30.43, age: 38.86 };
    expect(expectedPurchases(CDNOW, history, 0)).toBe(0);
    let previous = 0;
    for (const horizon of [1, 10, 39, 100, 500, 5000]) {
      const value = expectedPurchases(CDNOW, history, horizon);
      expect(value).toBeGreaterThan(previous);
      previous = value;
    }
  });

  it('treats a customer with no history and age 0 as a new customer', () => {
    const fresh = { frequency: 0, recency: 0, age: 0 };
    expect(expectedPurchases(CDNOW, fresh, 39)).toBeCloseTo(expectedPurchasesNewCustomer(CDNOW, 39), 12);
    // Silence is evidence of a low rate: an old customer without repeat purchases expects fewer.
    expect(expectedPurchases(CDNOW, { frequency: 0, recency: 0, age: 38 }, 39)).toBeLessThan(
      expectedPurchasesNewCustomer(CDNOW, 39),
    );
  });

  it('agrees with a simulation of new customers (E[X(t)] within 4 standard errors)', () => {
    const random = seededRandom(9);
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const { later } = simulateBgNbdCustomer(random, TRUTH, 0, 40);
      sum += later;
      squares += later * later;
    }
    const mean = sum / n;
    const standardError = Math.sqrt((squares / n - mean * mean) / n);
    expect(Math.abs(mean - expectedPurchasesNewCustomer(TRUTH, 40))).toBeLessThan(4 * standardError);
  });

  it('stays finite for heavy buyers and continuous across a = 1', () => {
    const heavy = expectedPurchases(CDNOW, { frequency: 600, recency: 270, age: 272 }, 273);
    expect(Number.isFinite(heavy)).toBe(true);
    // About the customer's own rate, 600 purchases in 272 days, over 273 more days.
    expect(heavy).toBeGreaterThan(400);
    expect(heavy).toBeLessThan(800);
    const history = { frequency: 4, recency: 20, age: 38 };
    const at = (a: number) => expectedPurchases({ ...CDNOW, a }, history, 39);
    expect(at(1)).toBeGreaterThan(Math.min(at(0.999), at(1.001)));
    expect(at(1)).toBeLessThan(Math.max(at(0.999), at(1.001)));
    expect(Math.abs(at(1) - at(1.0001))).toBeLessThan(1e-4);
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters that generated the data', () => {
    const random = seededRandom(1);
    const histories = Array.from({ length: 3000 }, (_, i) =>
      simulateBgNbdCustomer(random, TRUTH, 30 + (i % 31)),
    );
    const fit = fitBgNbd(histories);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeGreaterThan(0);
    expect(fit.customers).toBe(3000);
    expect(fit.params.r).toBeGreaterThan(TRUTH.r * 0.85);
    expect(fit.params.r).toBeLessThan(TRUTH.r * 1.15);
    expect(fit.params.alpha).toBeGreaterThan(TRUTH.alpha * 0.8);
    expect(fit.params.alpha).toBeLessThan(TRUTH.alpha * 1.2);
    // a and b trade off against each other; their mean dropout probability is what the data fix.
    const dropout = fit.params.a / (fit.params.a + fit.params.b);
    const truthDropout = TRUTH.a / (TRUTH.a + TRUTH.b);
    expect(Math.abs(dropout - truthDropout) / truthDropout).toBeLessThan(0.2);
    // The optimum beats the truth on its own sample.
    const atTruth = histories.reduce((sum, history) => sum + bgNbdLogLikelihood(TRUTH, history), 0);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
  });

  it('scales α with the time unit and leaves r, a, b and the predictions alone', () => {
    const random = seededRandom(2);
    const weeks = Array.from({ length: 1500 }, (_, i) => simulateBgNbdCustomer(random, TRUTH, 30 + (i % 31)));
    const days = weeks.map((history) => ({ ...history, recency: history.recency * 7, age: history.age * 7 }));
    const inWeeks = fitBgNbd(weeks).params;
    const inDays = fitBgNbd(days).params;
    expect(inDays.alpha / 7 / inWeeks.alpha).toBeCloseTo(1, 4);
    expect(inDays.r / inWeeks.r).toBeCloseTo(1, 4);
    expect(inDays.a / inWeeks.a).toBeCloseTo(1, 3);
    expect(expectedPurchases(inDays, days[0]!, 70)).toBeCloseTo(expectedPurchases(inWeeks, weeks[0]!, 10), 4);
  });

  it('refuses too few repeat customers, with the count in the message', () => {
    const histories = [
      ...Array.from({ length: 12 }, () => ({ frequency: 2, recency: 10, age: 30 })),
      ...Array.from({ length: 500 }, () => ({ frequency: 0, recency: 0, age: 30 })),
    ];
    const error = captureError(() => fitBgNbd(histories));
    expect(error).toBeInstanceOf(InsufficientDataError);
    expect(String(error)).toBe(
      'InsufficientDataError: BG/NBD needs at least 100 customers with repeat purchases, got 12',
    );
    expect((error as ModelRefusalError).code).toBe('insufficient_data');
    expect((error as ModelRefusalError).model).toBe('bg-nbd');
  });

  it('lets the caller lower the threshold', () => {
    const random = seededRandom(1);
    const histories = Array.from({ length: 200 }, () => simulateBgNbdCustomer(random, TRUTH, 20));
    const repeat = histories.filter((history) => history.frequency > 0).length;
    expect(repeat).toBeLessThan(100);
    expect(() => fitBgNbd(histories)).toThrow(InsufficientDataError);
    expect(fitBgNbd(histories, { minRepeatCustomers: 50 }).repeatCustomers).toBe(repeat);
  });

  it('refuses histories the model cannot describe', () => {
    const valid = Array.from({ length: 150 }, () => ({ frequency: 1, recency: 5, age: 30 }));
    for (const bad of [
      { frequency: 1, recency: 40, age: 30 },
      { frequency: 1.5, recency: 5, age: 30 },
      { frequency: -1, recency: 0, age: 30 },
      { frequency: 0, recency: 3, age: 30 },
      { frequency: 1, recency: Number.NaN, age: 30 },
    ]) {
      expect(() => fitBgNbd([...valid, bad])).toThrow(InvalidInputError);
    }
    expect(() => fitBgNbd([...valid, { frequency: 1, recency: 40, age: 30 }])).toThrow(
      /customer #150: recency must not exceed age/,
    );
  });

  it('refuses data that do not identify the model instead of returning runaway parameters', () => {
    // Everyone bought again on the last day: nobody ever drops out, and a → 0.
    const neverLeaving = Array.from({ length: 200 }, (_, i) => ({
      frequency: 1 + (i % 5),
      recency: 30,
      age: 30,
    }));
    expect(() => fitBgNbd(neverLeaving)).toThrow(DegenerateDataError);
    // Identical histories: no heterogeneity in the rate, and r, α → ∞.
    const identical = Array.from({ length: 200 }, () => ({ frequency: 3, recency: 10, age: 30 }));
    expect(() => fitBgNbd(identical)).toThrow(/ran off to a boundary/);
  });
});

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
