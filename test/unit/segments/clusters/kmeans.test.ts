import { describe, expect, it } from 'vitest';
import {
  type FeatureMatrix,
  kmeans,
  matrixFromRows,
  runLloyd,
  seededRandom,
  seedKMeansPlusPlus,
  squaredDistance,
} from '../../../../src/segments/clusters/index.js';
import { gaussian, plantedBlobs, samePartition } from './planted.js';

/** Plain Lloyd's, every distance every time: the reference the bounded version must agree with. */
function naiveLloyd(data: FeatureMatrix, initial: Float64Array, iterations: number) {
  const { rows: n, cols: d, values: x } = data;
  const k = initial.length / d;
  const centers = Float64Array.from(initial);
  const labels = new Int32Array(n);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) {
        if (squaredDistance(x, i, centers, c, d) < squaredDistance(x, i, centers, best, d)) best = c;
      }
      if (labels[i] !== best || iteration === 0) changed++;
      labels[i] = best;
    }
    if (changed === 0) break;
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]!]!++;
      for (let j = 0; j < d; j++) sums[labels[i]! * d + j]! += x[i * d + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j]! / counts[c]!;
    }
  }
  return { centers, labels };
}

/** Overlapping, unstructured data: many rows near decision boundaries, where bounds must be right. */
function noise(n: number, d: number, seed: number): FeatureMatrix {
  const random = seededRandom(seed);
  return matrixFromRows(Array.from({ length: n }, () => Array.from({ length: d }, () => gaussian(random))));
}

const blobs = plantedBlobs(
  [
    [0, 0, 0],
    [8, 0, 0],
    [0, 8, 0],
    [0, 0, 8],
  ],
  [150, 100, 80, 60],
  1,
  11,
);
const blobData = matrixFromRows(blobs.rows);

describe('k-means', () => {
  it('recovers well-separated planted blobs exactly', () => {
    const result = kmeans(blobData, { k: 4, seed: 3, restarts: 3, maxIterations: 100, tolerance: 1e-4 });
    expect(result.converged).toBe(true);
    expect(samePartition(result.labels, blobs.truth)).toBe(true);
    expect([...result.sizes].sort((a, b) => b - a)).toEqual([150, 100, 80, 60]);
  });

  it('is deterministic for a seed', () => {
    const options = { k: 5, seed: 42, restarts: 2, maxIterations: 100, tolerance: 1e-4 };
    const data = noise(400, 4, 5);
    const a = kmeans(data, options);
    const b = kmeans(data, options);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
    expect(a.inertia).toBe(b.inertia);
  });

  it('keeps the best of its restarts', () => {
    const data = noise(500, 3, 8);
    const one = kmeans(data, { k: 6, seed: 9, restarts: 1, maxIterations: 100, tolerance: 0 });
    const several = kmeans(data, { k: 6, seed: 9, restarts: 6, maxIterations: 100, tolerance: 0 });
    // The first restart of both runs is the same seeding, so the best of six is no worse.
    expect(several.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it("agrees with plain Lloyd's iterations from the same start (the bounds skip only what cannot change)", () => {
    for (const seed of [1, 2, 3]) {
      const data = noise(600, 5, seed);
      const start = seedKMeansPlusPlus(data, 7, seededRandom(seed));
      const bounded = runLloyd(data, start, { maxIterations: 500, tolerance: 0 });
      const plain = naiveLloyd(data, start, 500);
      expect(bounded.converged).toBe(true);
      expect(Array.from(bounded.labels)).toEqual(Array.from(plain.labels));
      bounded.centers.forEach((value, i) => {
        expect(value).toBeCloseTo(plain.centers[i]!, 9);
      });
    }
  });

  it('reports inertia as the sum of squared distances to the assigned centres', () => {
    const result = kmeans(blobData, { k: 4, seed: 1, restarts: 1, maxIterations: 100, tolerance: 1e-4 });
    let inertia = 0;
    for (let i = 0; i < blobData.rows; i++)
      inertia += squaredDistance(blobData.values, i, result.centers, result.labels[i]!, 3);
    expect(result.inertia).toBeCloseTo(inertia, 6);
  });

  it('refills a cluster left empty, so k clusters stay k', () => {
    // Two starting centres on the same row: one of them gets no rows on the first assignment.
    const data = matrixFromRows([[0], [0.1], [0.2], [10], [10.1], [10.2]]);
    const result = runLloyd(data, Float64Array.from([0, 0, 10]), { maxIterations: 50, tolerance: 0 });
    expect(Array.from(result.sizes).every((size) => size > 0)).toBe(true);
    expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('seeds k-means++ on k distinct rows of well-separated data', () => {
    const centers = seedKMeansPlusPlus(blobData, 4, seededRandom(4));
    // With blobs this far apart the D² draws land one seed in each blob.
    const blobOf = (c: number) => {
      let nearest = 0;
      for (let i = 1; i < blobData.rows; i++) {
        if (
          squaredDistance(centers, c, blobData.values, i, 3) <
          squaredDistance(centers, c, blobData.values, nearest, 3)
        ) {
          nearest = i;
        }
      }
      return blobs.truth[nearest];
    };
    expect(new Set([0, 1, 2, 3].map(blobOf)).size).toBe(4);
  });

  it('refuses a k larger than the number of rows', () => {
    expect(() => seedKMeansPlusPlus(matrixFromRows([[1], [2]]), 3, seededRandom(1))).toThrow(RangeError);
  });
});
