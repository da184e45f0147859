import { seedKMeansPlusPlus } from './kmeans-seed.js';
import { type LloydResult, runLloyd } from './lloyd.js';
import type { FeatureMatrix } from './matrix.js';
import { deriveSeed, seededRandom } from './random.js';

export interface KMeansOptions {
  k: number;
  seed: number;
  /** Independent seedings; the run with the lowest inertia is kept. */
  restarts: number;
  maxIterations: number;
  /**
   * Convergence tolerance relative to the data's mean feature variance (scikit-learn's `tol`):
   * stop when the centres' summed squared movement is at most `tolerance × mean variance`.
   */
  tolerance: number;
}

export interface KMeansResult extends LloydResult {
  k: number;
}

export function kmeans(data: FeatureMatrix, options: KMeansOptions): KMeansResult {
  if (options.restarts < 1) throw new RangeError('k-means needs at least one start');
  const tolerance = options.tolerance * meanVariance(data);
  let best: LloydResult | null = null;
  for (let restart = 0; restart < options.restarts; restart++) {
    const random = seededRandom(deriveSeed(options.seed, options.k, restart));
    const centers = seedKMeansPlusPlus(data, options.k, random);
    const run = runLloyd(data, centers, { maxIterations: options.maxIterations, tolerance });
    // Strictly lower: on a tie the earlier restart stays, so the outcome does not hinge on rounding.
    if (best === null || run.inertia < best.inertia) best = run;
  }
  return { ...best!, k: options.k };
}

function meanVariance(data: FeatureMatrix): number {
  const { rows, cols, values } = data;
  if (rows === 0 || cols === 0) return 0;
  let total = 0;
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + c]!;
      sum += v;
      squares += v * v;
    }
    const mean = sum / rows;
    total += Math.max(0, squares / rows - mean * mean);
  }
  return total / cols;
}
