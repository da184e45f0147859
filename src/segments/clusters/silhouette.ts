import { type FeatureMatrix, squaredDistance } from './matrix.js';
import { sampleIndices, seededRandom } from './random.js';

/**
 * The silhouette (Rousseeuw 1987): for each point, a = mean distance to the rest of its own
 * cluster, b = mean distance to the nearest other cluster, s = (b − a) / max(a, b); the score is
 * the mean s. It costs all pairwise distances, so past `sampleSize` points it is computed on a
 * fixed-seed sample of that many points, with their labels (scikit-learn's `sample_size`):
 * 3,000 points → 4.5 million pairs. Up to `sampleSize` points it is exact.
 *
 * The same sample serves every k being compared (only the labels change), so its pairwise
 * distances are computed once and kept as a triangle.
 */
export interface SilhouetteSample {
  indices: Int32Array;
  /** Euclidean distance of sample points i < j at i·s − i(i+1)/2 + (j − i − 1). */
  distances: Float64Array;
  /** True when the sample is every point. */
  exact: boolean;
}

export function prepareSilhouetteSample(
  data: FeatureMatrix,
  sampleSize: number,
  seed: number,
): SilhouetteSample {
  const { rows: n, cols: d, values: x } = data;
  const exact = n <= sampleSize;
  const indices = exact
    ? Int32Array.from({ length: n }, (_, i) => i)
    : sampleIndices(n, sampleSize, seededRandom(seed));
  const s = indices.length;
  const distances = new Float64Array((s * (s - 1)) / 2);
  let at = 0;
  for (let i = 0; i < s; i++) {
    const a = indices[i]!;
    for (let j = i + 1; j < s; j++) distances[at++] = Math.sqrt(squaredDistance(x, a, x, indices[j]!, d));
  }
  return { indices, distances, exact };
}

/**
 * Mean silhouette of the sample under `labels` (one per row of the full data, 0..k−1). A point
 * alone in its cluster scores 0. Null when the sample shows fewer than two clusters, where the
 * silhouette is undefined.
 */
export function silhouetteScore(sample: SilhouetteSample, labels: Int32Array, k: number): number | null {
  const { indices, distances } = sample;
  const s = indices.length;
  const own = new Int32Array(s);
  const counts = new Int32Array(k);
  for (let i = 0; i < s; i++) {
    own[i] = labels[indices[i]!]!;
    counts[own[i]!]!++;
  }
  let present = 0;
  for (let c = 0; c < k; c++) if (counts[c]! > 0) present++;
  if (present < 2) return null;

  // sums[i·k + c]: total distance from sample point i to the sample points of cluster c.
  const sums = new Float64Array(s * k);
  let at = 0;
  for (let i = 0; i < s; i++) {
    const li = own[i]!;
    const rowI = i * k;
    for (let j = i + 1; j < s; j++) {
      const dist = distances[at++]!;
      sums[rowI + own[j]!]! += dist;
      sums[j * k + li]! += dist;
    }
  }

  let total = 0;
  for (let i = 0; i < s; i++) {
    const li = own[i]!;
    if (counts[li]! < 2) continue;
    const a = sums[i * k + li]! / (counts[li]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === li || counts[c] === 0) continue;
      b = Math.min(b, sums[i * k + c]! / counts[c]!);
    }
    const scale = Math.max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / s;
}
