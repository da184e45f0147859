import { describe, expect, it } from 'vitest';
import {
  clusterPairMetrics,
  countTrueAmong,
  countTruePairs,
  pairListMetrics,
} from '../../../../src/identity/probabilistic/index.js';

describe('pairwise metrics', () => {
  const truth = ['a', 'a', 'a', 'b', 'b', 'c'];
  const dedup = { size: 6, leftSize: 6, mode: 'dedup' as const };

  it('counts true pairs within each entity', () => {
    expect(countTruePairs(truth, dedup)).toBe(4);
    // Link: left [a, a, a], right [b, b, c] share nothing; left [a, a], right [a, b, b, c] share 2.
    expect(countTruePairs(truth, { size: 6, leftSize: 3, mode: 'link' })).toBe(0);
    expect(countTruePairs(truth, { size: 6, leftSize: 2, mode: 'link' })).toBe(2);
    expect(countTrueAmong(truth, [0, 0, 3], [1, 3, 4])).toBe(2);
  });

  it('scores a clustering by the pairs it implies', () => {
    // Clusters {0,1,2,3} and {4}, {5}: 6 implied pairs, 3 true (0-1, 0-2, 1-2) of 4.
    const metrics = clusterPairMetrics(truth, Int32Array.from([0, 0, 0, 0, 1, 2]), dedup);
    expect(metrics).toMatchObject({ truePairs: 4, predictedPairs: 6, truePositives: 3 });
    expect(metrics.precision).toBeCloseTo(0.5, 12);
    expect(metrics.recall).toBeCloseTo(0.75, 12);
    expect(metrics.f1).toBeCloseTo(0.6, 12);
  });

  it('scores an explicit pair list without transitivity', () => {
    const metrics = pairListMetrics(truth, [0, 1], [1, 2], dedup);
    expect(metrics).toMatchObject({ predictedPairs: 2, truePositives: 2, precision: 1, recall: 0.5 });
  });
});
