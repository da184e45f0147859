import { z } from 'zod';
import {
  DegenerateDataError,
  InsufficientDataError,
  InvalidInputError,
  NotConvergedError,
} from './errors.js';
import { nelderMead } from './nelder-mead.js';
import { logGamma } from './special-functions.js';

/**
 * Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): each
 * purchase of a customer is worth Gamma(p, ν), ν ~ Gamma(q, v) across customers, so a customer's
 * mean spend z̄ over x purchases is Gamma(px, νx). Fitted on repeat customers only (x > 0, z̄ > 0),
 * as the published fits are. It assumes spend does not depend on purchase frequency, so the fit
 * reports their correlation for a model status to show.
 */

export const gammaGammaParamsSchema = z.object({
  p: z.number().positive(),
  q: z.number().positive(),
  v: z.number().positive(),
});
export type GammaGammaParams = z.infer<typeof gammaGammaParamsSchema>;

/** x repeat purchases with mean value z̄ (lifetimes' `monetary_value`). */
export interface SpendHistory {
  frequency: number;
  monetary: number;
}

export interface GammaGammaFitOptions {
  /** Refuse below this many customers with repeat purchases of positive value. */
  minCustomers?: number;
  maxIterations?: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: true;
  /** Customers the fit used (x > 0 and z̄ > 0), of `offered`. */
  customers: number;
  offered: number;
  /** Pearson correlation of x and z̄ among those customers; near 0 is what the model assumes. */
  frequencyMonetaryCorrelation: number;
}

export const GAMMA_GAMMA_MIN_CUSTOMERS = 100;
/** As in bg-nbd.ts: beyond e^±15 a parameter has run off towards a boundary of the model. */
const LOG_PARAM_LIMIT = 15;

/** ln L(p, q, v | x, z̄) for one customer (FHL 2005 "RFM and CLV", the density of z̄ integrated over ν). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, history: SpendHistory): number {
  const { p, q, v } = params;
  const { frequency: x, monetary: m } = history;
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(v) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(x * m + v)
  );
}

export function fitGammaGamma(
  histories: readonly SpendHistory[],
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  histories.forEach(({ frequency, monetary }, index) => {
    if (!Number.isInteger(frequency) || frequency < 0 || !Number.isFinite(monetary)) {
      throw new InvalidInputError(
        'gamma-gamma',
        `customer #${index}: frequency must be a whole number ≥ 0 and monetary finite ` +
          `(frequency=${frequency}, monetary=${monetary})`,
      );
    }
  });
  const used = histories.filter((history) => history.frequency > 0 && history.monetary > 0);
  const minCustomers = options.minCustomers ?? GAMMA_GAMMA_MIN_CUSTOMERS;
  if (used.length < minCustomers) {
    throw new InsufficientDataError(
      'gamma-gamma',
      `Gamma-Gamma needs at least ${minCustomers} customers with repeat purchases of positive value, got ${used.length}`,
    );
  }
  const spends = used.map((history) => history.monetary);
  const lowest = spends.reduce((min, value) => Math.min(min, value), Number.POSITIVE_INFINITY);
  const highest = spends.reduce((max, value) => Math.max(max, value), 0);
  if (highest - lowest <= 1e-9 * highest) {
    throw new DegenerateDataError(
      'gamma-gamma',
      `Gamma-Gamma needs spend that varies between customers; every mean repeat spend is ${lowest}`,
    );
  }
  // Fitted on spend divided by its mean, which makes v unit-free (p and q are unchanged by a change
  // of currency unit, v scales with it): the boundary check below then means the same in cents or
  // in dong, and the simplex starts at the right scale.
  const meanSpend = spends.reduce((sum, value) => sum + value, 0) / spends.length;
  const groups = groupByFrequency(used, meanSpend);
  const negativeLogLikelihood = (logParams: readonly number[]): number => {
    // A wall past the limit stops a runaway simplex early; the check after the fit reports it.
    if (logParams.some((value) => Math.abs(value) > LOG_PARAM_LIMIT + 5)) return Number.POSITIVE_INFINITY;
    const { p, q, v } = fromLog(logParams);
    let total = 0;
    // gammaGammaLogLikelihood summed over a group of equal x, its gamma terms evaluated once.
    for (const [x, group] of groups) {
      const px = p * x;
      total +=
        group.monetary.length *
          (logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(v) + px * Math.log(x)) +
        (px - 1) * group.sumLogMonetary;
      for (const m of group.monetary) total -= (px + q) * Math.log(x * m + v);
    }
    return -total;
  };
  const result = nelderMead(negativeLogLikelihood, [0, 0, 0], {
    maxIterations: options.maxIterations ?? 2000,
    fTolerance: 1e-9,
    xTolerance: 1e-7,
    restarts: 2,
  });
  const unitFree = fromLog(result.x);
  const params = { ...unitFree, v: unitFree.v * meanSpend };
  if (result.x.some((value) => Math.abs(value) > LOG_PARAM_LIMIT) || !Number.isFinite(result.value)) {
    throw new DegenerateDataError(
      'gamma-gamma',
      `Gamma-Gamma parameters ran off to a boundary (p=${params.p}, q=${params.q}, v=${params.v}): ` +
        'the spend data do not identify the model',
    );
  }
  if (!result.converged) {
    throw new NotConvergedError(
      'gamma-gamma',
      `Gamma-Gamma fit did not converge in ${result.iterations} iterations (log-likelihood ${-result.value})`,
    );
  }
  if (params.q <= 1) {
    // E[ν⁻¹] = v/(q−1) is the population mean spend: without q > 1 it is infinite.
    throw new DegenerateDataError(
      'gamma-gamma',
      `Gamma-Gamma fit has q=${params.q} ≤ 1, so the expected spend is infinite: spend is too heavy-tailed`,
    );
  }
  return {
    params,
    // The density of z̄ = meanSpend · (z̄/meanSpend) carries the Jacobian 1/meanSpend per customer.
    logLikelihood: -result.value - used.length * Math.log(meanSpend),
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: true,
    customers: used.length,
    offered: histories.length,
    frequencyMonetaryCorrelation: pearson(
      used.map((history) => history.frequency),
      spends,
    ),
  };
}

/**
 * E[Z | x, z̄] = p(v + x z̄) / (px + q − 1): a weighted mean of the population mean pv/(q−1) and the
 * customer's own z̄, leaning on the customer more as x grows. Without repeat purchases (x = 0) it is
 * the population mean.
 */
export function expectedAverageSpend(params: GammaGammaParams, history: SpendHistory): number {
  const { p, q, v } = params;
  const repeat = history.frequency > 0 && history.monetary > 0;
  const x = repeat ? history.frequency : 0;
  const spent = repeat ? history.frequency * history.monetary : 0;
  return (p * (v + spent)) / (p * x + q - 1);
}

/** Spend divided by `scale`, grouped by frequency, with each group's Σ ln z̄. */
function groupByFrequency(
  histories: readonly SpendHistory[],
  scale: number,
): Map<number, { monetary: number[]; sumLogMonetary: number }> {
  const groups = new Map<number, { monetary: number[]; sumLogMonetary: number }>();
  for (const { frequency, monetary } of histories) {
    let group = groups.get(frequency);
    if (!group) {
      group = { monetary: [], sumLogMonetary: 0 };
      groups.set(frequency, group);
    }
    group.monetary.push(monetary / scale);
    group.sumLogMonetary += Math.log(monetary / scale);
  }
  return groups;
}

function fromLog(logParams: readonly number[]): GammaGammaParams {
  const [p, q, v] = logParams.map(Math.exp) as [number, number, number];
  return { p, q, v };
}

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const meanX = xs.reduce((sum, value) => sum + value, 0) / n;
  const meanY = ys.reduce((sum, value) => sum + value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}
