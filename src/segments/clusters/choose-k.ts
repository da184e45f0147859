import { type KMeansResult, kmeans } from './kmeans.js';
import type { FeatureMatrix } from './matrix.js';
import type { KCandidate } from './model.js';
import type { MicroSegmentOptions } from './options.js';
import { deriveSeed } from './random.js';
import { prepareSilhouetteSample, silhouetteScore } from './silhouette.js';

export interface KChoice {
  best: KMeansResult;
  silhouette: number | null;
  silhouetteExact: boolean;
  candidates: KCandidate[];
}

/**
 * k-means for every k in the range, keeping the k with the highest silhouette (the smaller k on
 * a tie). Inertia always falls as k grows, so it cannot choose k on its own; the silhouette
 * rewards clusters that are both tight and apart. k stops at rows − 1, where the silhouette
 * still means something.
 */
export function chooseK(data: FeatureMatrix, options: MicroSegmentOptions): KChoice {
  if (data.rows < 3) throw new RangeError(`clustering needs at least 3 rows, got ${data.rows}`);
  const kMax = Math.min(options.kMax, data.rows - 1);
  const kMin = Math.min(options.kMin, kMax);
  const sample = prepareSilhouetteSample(data, options.silhouetteSampleSize, deriveSeed(options.seed, 0x5a));
  const candidates: KCandidate[] = [];
  let best: KMeansResult | null = null;
  let bestSilhouette: number | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const run = kmeans(data, {
      k,
      seed: options.seed,
      restarts: options.restarts,
      maxIterations: options.maxIterations,
      tolerance: options.tolerance,
    });
    const silhouette = silhouetteScore(sample, run.labels, k);
    candidates.push({
      k,
      silhouette,
      inertia: run.inertia,
      iterations: run.iterations,
      converged: run.converged,
    });
    const better =
      best === null || (silhouette !== null && (bestSilhouette === null || silhouette > bestSilhouette));
    if (better) {
      best = run;
      bestSilhouette = silhouette;
    }
  }
  return { best: best!, silhouette: bestSilhouette, silhouetteExact: sample.exact, candidates };
}
