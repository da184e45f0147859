import { describe, expect, it } from 'vitest';
import {
  MetricAccumulator,
  meanOfFolds,
  ndcgAtK,
  precisionAtK,
  recallAtK,
} from '../../../src/recommend/metrics.js';

describe('ranking metrics with binary relevance', () => {
  const relevant = new Set(['a', 'c', 'x']);

  it('precision@k divides the hits in the first k by k, even when the list is shorter', () => {
    expect(precisionAtK(['a', 'b', 'c', 'd'], relevant, 4)).toBe(0.5);
    expect(precisionAtK(['a', 'b', 'c', 'd'], relevant, 2)).toBe(0.5);
    expect(precisionAtK(['a'], relevant, 10)).toBe(0.1);
    expect(precisionAtK([], relevant, 10)).toBe(0);
  });

  it('recall@k divides the hits by the number of relevant items', () => {
    expect(recallAtK(['a', 'b', 'c', 'd'], relevant, 4)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(['a', 'b', 'c', 'd'], relevant, 1)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(['a'], new Set(), 5)).toBe(0);
  });

  it('nDCG@k: hits at ranks 1 and 3 of 3 relevant, k = 4', () => {
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) + 1/log2(4).
    const ideal = 1 + 1 / Math.log2(3) + 0.5;
    expect(ndcgAtK(['a', 'b', 'c', 'd'], relevant, 4)).toBeCloseTo(1.5 / ideal, 12);
  });

  it('nDCG@k is 1 for a perfect list and caps the ideal at k', () => {
    expect(ndcgAtK(['x', 'a'], relevant, 2)).toBeCloseTo(1, 12);
    // One hit at rank 2, k = 1: nothing counted.
    expect(ndcgAtK(['b', 'a'], relevant, 1)).toBe(0);
    // One relevant item found at rank 2: 1/log2(3) over an ideal of 1.
    expect(ndcgAtK(['b', 'a'], new Set(['a']), 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('averages over users, then folds', () => {
    const accumulator = new MetricAccumulator();
    accumulator.add(['a', 'b'], new Set(['a']), 2);
    accumulator.add(['b', 'c'], new Set(['a']), 2);
    const result = accumulator.result();
    expect(result).toMatchObject({ precision: 0.25, recall: 0.5, users: 2 });
    expect(meanOfFolds([result, { precision: 0.75, recall: 1, ndcg: 1, users: 4 }])).toMatchObject({
      precision: 0.5,
      recall: 0.75,
      users: 3,
    });
  });
});
