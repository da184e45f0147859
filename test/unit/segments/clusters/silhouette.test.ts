import { describe, expect, it } from 'vitest';
import {
  type FeatureMatrix,
  kmeans,
  matrixFromRows,
  prepareSilhouetteSample,
  silhouetteScore,
} from '../../../../src/segments/clusters/index.js';
import { plantedBlobs } from './planted.js';

/** Straight from the definition, over all points, for comparison. */
function bruteForceSilhouette(data: FeatureMatrix, labels: ArrayLike<number>): number {
  const { rows: n, cols: d, values } = data;
  const distance = (i: number, j: number) => {
    let sum = 0;
    for (let c = 0; c < d; c++) sum += (values[i * d + c]! - values[j * d + c]!) ** 2;
    return Math.sqrt(sum);
  };
  const clusters = [...new Set(Array.from(labels))];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const mean = (cluster: number) => {
      const others = [...Array(n).keys()].filter((j) => j !== i && labels[j] === cluster);
      return others.length === 0
        ? Number.NaN
        : others.reduce((sum, j) => sum + distance(i, j), 0) / others.length;
    };
    const a = mean(labels[i]!);
    if (Number.isNaN(a)) continue; // alone in its cluster: 0
    const b = Math.min(...clusters.filter((c) => c !== labels[i]).map(mean));
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

describe('silhouette', () => {
  it('computes a small case by hand', () => {
    const data = matrixFromRows([[0], [1], [10], [11]]);
    const sample = prepareSilhouetteSample(data, 3000, 1);
    expect(sample.exact).toBe(true);
    const want = (9.5 / 10.5 + 8.5 / 9.5) / 2;
    expect(silhouetteScore(sample, Int32Array.from([0, 0, 1, 1]), 2)).toBeCloseTo(want, 12);
  });

  it('scores a point alone in its cluster as 0', () => {
    const data = matrixFromRows([[0], [1], [10]]);
    const sample = prepareSilhouetteSample(data, 3000, 1);
    // Points 0 and 1: a = 1, b = 10 and 9; point 2: alone → 0.
    const want = (9 / 10 + 8 / 9 + 0) / 3;
    expect(silhouetteScore(sample, Int32Array.from([0, 0, 1]), 2)).toBeCloseTo(want, 12);
  });

  it('agrees with the definition on random labels, empty clusters included', () => {
    const blobs = plantedBlobs(
      [
        [0, 0],
        [3, 1],
        [1, 4],
      ],
      [30, 25, 20],
      1.2,
      5,
    );
    const data = matrixFromRows(blobs.rows);
    const sample = prepareSilhouetteSample(data, 3000, 1);
    // Labels 0..4 with label 3 never used: an empty cluster must not count as "nearest".
    const labels = Int32Array.from(blobs.truth, (t, i) => (i % 7 === 0 ? 4 : t));
    expect(silhouetteScore(sample, labels, 5)).toBeCloseTo(bruteForceSilhouette(data, labels), 10);
  });

  it('is undefined with one cluster', () => {
    const data = matrixFromRows([[0], [1], [2]]);
    expect(silhouetteScore(prepareSilhouetteSample(data, 3000, 1), new Int32Array(3), 2)).toBeNull();
  });

  it('samples a fixed number of rows with a fixed seed past the sample size, close to the exact value', () => {
    const blobs = plantedBlobs(
      [
        [0, 0, 0],
        [4, 0, 0],
        [0, 4, 0],
      ],
      [900, 700, 400],
      1.3,
      9,
    );
    const data = matrixFromRows(blobs.rows);
    const labels = kmeans(data, { k: 3, seed: 1, restarts: 1, maxIterations: 100, tolerance: 1e-4 }).labels;
    const sampled = prepareSilhouetteSample(data, 500, 77);
    expect(sampled.exact).toBe(false);
    expect(sampled.indices.length).toBe(500);
    expect(new Set(sampled.indices).size).toBe(500);
    expect(Array.from(prepareSilhouetteSample(data, 500, 77).indices)).toEqual(Array.from(sampled.indices));
    const exact = silhouetteScore(prepareSilhouetteSample(data, 3000, 1), labels, 3)!;
    expect(Math.abs(silhouetteScore(sampled, labels, 3)! - exact)).toBeLessThan(0.03);
  });
});
