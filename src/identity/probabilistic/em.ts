import type { PatternCounts } from './patterns.js';

/**
 * Expectation-maximisation for the two-class (match / non-match) mixture of Fellegi-Sunter,
 * under conditional independence of fields, on the blocked pairs (Winkler 1988; Splink's EM).
 * No labels: the classes are latent and the estimates are the m probabilities, the blocked
 * pairs' own u and the share of matches among them.
 *
 * Arrays are indexed by level as in comparison vectors: index 0 (null) is unused, because a
 * missing value is evidence for neither class.
 */

export interface EmOptions {
  maxIterations: number;
  tolerance: number;
  /**
   * Added to every level's count in each class. Without it a level that no pair of a class shows
   * in training gets probability 0, and the first later pair showing it a weight of −∞.
   */
  pseudoCount: number;
}

export interface EmParameters {
  m: Float64Array[];
  u: Float64Array[];
  lambda: number;
}

export interface EmResult extends EmParameters {
  iterations: number;
  converged: boolean;
  /** Match probability of each pattern under the final parameters. */
  posterior: Float64Array;
  /** Expected number of matches among the input pairs. */
  expectedMatches: number;
}

/** Smallest share the match or non-match class may take, so neither collapses to nothing. */
const LAMBDA_FLOOR = 1e-9;
const PROBABILITY_FLOOR = 1e-12;

export function runEm(
  data: PatternCounts,
  width: number,
  active: readonly boolean[],
  initial: EmParameters,
  options: EmOptions,
): EmResult {
  const m = initial.m.map((levels) => Float64Array.from(levels));
  const u = initial.u.map((levels) => Float64Array.from(levels));
  let lambda = initial.lambda;
  const posterior = new Float64Array(data.size);
  const logM = m.map((levels) => new Float64Array(levels.length));
  const logU = u.map((levels) => new Float64Array(levels.length));
  const sumM = m.map((levels) => new Float64Array(levels.length));
  const sumU = u.map((levels) => new Float64Array(levels.length));
  let iterations = 0;
  let converged = false;

  while (iterations < options.maxIterations && !converged) {
    iterations++;
    // E step.
    for (let f = 0; f < width; f++) {
      for (let l = 1; l < m[f]!.length; l++) {
        logM[f]![l] = Math.log(m[f]![l]!);
        logU[f]![l] = Math.log(u[f]![l]!);
      }
    }
    const logLambda = Math.log(lambda);
    const logNotLambda = Math.log(1 - lambda);
    for (let p = 0; p < data.size; p++) {
      let a = logLambda;
      let b = logNotLambda;
      const base = p * width;
      for (let f = 0; f < width; f++) {
        const level = data.patterns[base + f]!;
        if (level === 0 || !active[f]) continue;
        a += logM[f]![level]!;
        b += logU[f]![level]!;
      }
      posterior[p] = 1 / (1 + Math.exp(b - a));
    }

    // M step.
    for (let f = 0; f < width; f++) {
      sumM[f]!.fill(0);
      sumU[f]!.fill(0);
    }
    let matches = 0;
    let total = 0;
    for (let p = 0; p < data.size; p++) {
      const count = data.counts[p]!;
      const match = count * posterior[p]!;
      const nonMatch = count - match;
      matches += match;
      total += count;
      const base = p * width;
      for (let f = 0; f < width; f++) {
        const level = data.patterns[base + f]!;
        if (level === 0) continue;
        sumM[f]![level]! += match;
        sumU[f]![level]! += nonMatch;
      }
    }
    let change = 0;
    const nextLambda = Math.min(
      1 - LAMBDA_FLOOR,
      Math.max(LAMBDA_FLOOR, total > 0 ? matches / total : lambda),
    );
    change = Math.max(change, Math.abs(nextLambda - lambda));
    lambda = nextLambda;
    for (let f = 0; f < width; f++) {
      if (!active[f]) continue;
      change = Math.max(change, normalizeInto(m[f]!, sumM[f]!, options.pseudoCount));
      change = Math.max(change, normalizeInto(u[f]!, sumU[f]!, options.pseudoCount));
    }
    converged = change < options.tolerance;
  }

  let expectedMatches = 0;
  for (let p = 0; p < data.size; p++) expectedMatches += data.counts[p]! * posterior[p]!;
  return { m, u, lambda, iterations, converged, posterior, expectedMatches };
}

/** target ← (sums + pseudo) normalized over levels 1..K; returns the largest change. A field with no observations keeps its values. */
function normalizeInto(target: Float64Array, sums: Float64Array, pseudoCount: number): number {
  let total = 0;
  for (let l = 1; l < sums.length; l++) total += sums[l]!;
  if (total <= 0) return 0;
  const denominator = total + pseudoCount * (sums.length - 1);
  let change = 0;
  for (let l = 1; l < sums.length; l++) {
    // The floor keeps logarithms finite when the pseudo-count is 0.
    const value = Math.max(PROBABILITY_FLOOR, (sums[l]! + pseudoCount) / denominator);
    change = Math.max(change, Math.abs(value - target[l]!));
    target[l] = value;
  }
  return change;
}
