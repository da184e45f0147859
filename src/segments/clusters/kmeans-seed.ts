import { type FeatureMatrix, squaredDistance } from './matrix.js';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's greedy variant):
 * each next centre is drawn with probability proportional to the squared distance to the nearest
 * centre so far; of 2 + ⌊ln k⌋ such draws the one that lowers the total squared distance most is
 * kept. Spread-out starts are what lets Lloyd's iterations find separated groups at all, and the
 * extra trials make an unlucky draw into an outlier less likely.
 *
 * Returns the k centres, row-major (k × d).
 */
export function seedKMeansPlusPlus(data: FeatureMatrix, k: number, random: () => number): Float64Array {
  const { rows: n, cols: d, values: x } = data;
  if (k < 1 || k > n) throw new RangeError(`k must be in 1..${n}, got ${k}`);
  const centers = new Float64Array(k * d);
  const setCenter = (c: number, row: number) => {
    centers.set(x.subarray(row * d, row * d + d), c * d);
  };

  const first = Math.min(n - 1, Math.floor(random() * n));
  setCenter(0, first);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = squaredDistance(x, i, x, first, d);

  const trials = 2 + Math.floor(Math.log(k));
  const cumulative = new Float64Array(n);
  let candidateClosest = new Float64Array(n);
  let bestClosest = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i]!;
      cumulative[i] = running;
    }
    let bestRow = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const row = searchSorted(cumulative, random() * running);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const dist = Math.min(closest[i]!, squaredDistance(x, i, x, row, d));
        candidateClosest[i] = dist;
        candidatePotential += dist;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestRow = row;
        [bestClosest, candidateClosest] = [candidateClosest, bestClosest];
      }
    }
    setCenter(c, bestRow);
    [closest, bestClosest] = [bestClosest, closest];
  }
  return centers;
}

/** First index whose cumulative sum exceeds `target` (the last one if rounding leaves none). */
function searchSorted(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! <= target) low = mid + 1;
    else high = mid;
  }
  return low;
}
