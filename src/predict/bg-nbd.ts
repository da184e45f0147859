import { z } from 'zod';
import { InvalidInputError } from './errors.js';
import { hyp2f1, logGamma } from './special-functions.js';

/**
 * BG/NBD ("beta-geometric / negative binomial", Fader, Hardie & Lee 2005, "Counting your customers
 * the easy way"): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
 * each purchase they drop out with probability p ~ Beta(a, b). Times are in whatever unit the
 * histories are in (days or weeks); α is in that unit, r, a and b have none.
 */

export const bgNbdParamsSchema = z.object({
  r: z.number().positive(),
  alpha: z.number().positive(),
  a: z.number().positive(),
  b: z.number().positive(),
});
export type BgNbdParams = z.infer<typeof bgNbdParamsSchema>;

/**
 * One customer's calibration history, in the papers' notation x, t_x and T: repeat purchases,
 * time from first to last purchase, and time from first purchase to the end of calibration.
 */
export interface PurchaseHistory {
  frequency: number;
  recency: number;
  age: number;
}

/** Rejects histories the model cannot describe, with the customer's position in the list. */
export function checkHistories(histories: readonly PurchaseHistory[]): void {
  histories.forEach((history, index) => {
    const { frequency, recency, age } = history;
    const problem = !Number.isInteger(frequency)
      ? 'frequency must be a whole number'
      : frequency < 0
        ? 'frequency must not be negative'
        : !(Number.isFinite(recency) && Number.isFinite(age)) || recency < 0
          ? 'recency and age must be finite and not negative'
          : recency > age
            ? 'recency must not exceed age'
            : frequency === 0 && recency !== 0
              ? 'recency must be 0 without repeat purchases'
              : undefined;
    if (problem) {
      throw new InvalidInputError(
        'bg-nbd',
        `customer #${index}: ${problem} (frequency=${frequency}, recency=${recency}, age=${age})`,
      );
    }
  });
}

/** ln L(r, α, a, b | x, t_x, T), FHL 2005 eq. 6, with the two terms combined in log space. */
export function bgNbdLogLikelihood(params: BgNbdParams, history: PurchaseHistory): number {
  return (
    frequencyTerm(params, history.frequency) +
    timingTerm(params, history.frequency, history.recency, history.age)
  );
}

/** The part of ln L that depends on x alone (exported for the fit, which evaluates it once per x): ln[Γ(r+x)α^r / Γ(r)] + ln[B(a, b+x) / B(a, b)]. */
export function frequencyTerm(params: BgNbdParams, x: number): number {
  const { r, alpha, a, b } = params;
  return (
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x)
  );
}

/** ln[(α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+t_x)^−(r+x)]: still alive at T, or dropped out at t_x. */
function timingTerm(params: BgNbdParams, x: number, recency: number, age: number): number {
  const { r, alpha, a, b } = params;
  const stillAlive = -(r + x) * Math.log(alpha + age);
  if (x === 0) return stillAlive;
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + recency);
  const high = Math.max(stillAlive, droppedOut);
  return high + Math.log(Math.exp(stillAlive - high) + Math.exp(droppedOut - high));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL 2005 eq. 11).
 * A customer without repeat purchases has not yet had the chance to drop out: 1.
 */
export function probabilityAlive(params: BgNbdParams, history: PurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency, age } = history;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + age) / (alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next `horizon` time units for a customer with this
 * history (FHL 2005 eq. 10) = P(alive) × the expectation for a customer known to be alive.
 */
export function expectedPurchases(params: BgNbdParams, history: PurchaseHistory, horizon: number): number {
  if (horizon <= 0) return 0;
  return probabilityAlive(params, history) * expectedIfAlive(params, history.frequency, history.age, horizon);
}

/** E[X(t)]: expected purchases in the first `horizon` time units of a new customer (FHL 2005 eq. 9). */
export function expectedPurchasesNewCustomer(params: BgNbdParams, horizon: number): number {
  if (horizon <= 0) return 0;
  return expectedIfAlive(params, 0, 0, horizon);
}

/**
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))].
 *
 * Evaluated after Euler's transformation, which turns the bracket into
 * 1 − ((α+T)/(α+T+t))^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z): the original form multiplies a
 * power that underflows by a 2F1 that overflows once x reaches the hundreds. At a = 1 the formula
 * is 0/0 with a finite limit, taken as the mean of the values either side.
 */
function expectedIfAlive(params: BgNbdParams, x: number, age: number, horizon: number): number {
  const { r, alpha, a, b } = params;
  if (Math.abs(a - 1) < 1e-6) {
    const h = 1e-5;
    return (
      (expectedIfAlive({ ...params, a: 1 - h }, x, age, horizon) +
        expectedIfAlive({ ...params, a: 1 + h }, x, age, horizon)) /
      2
    );
  }
  const c = a + b + x - 1;
  const total = alpha + age + horizon;
  const z = horizon / total;
  const power = ((alpha + age) / total) ** (a - 1);
  return (c / (a - 1)) * (1 - power * hyp2f1(a + b - 1 - r, a - 1, c, z));
}
