import { describe, expect, it } from 'vitest';
import { blendModels, normalizeScores } from '../../../src/recommend/blend.js';
import { fitBlend } from '../../../src/recommend/registry.js';
import type { RecommendationModel, ScoredItem } from '../../../src/recommend/types.js';

/** A model answering fixed lists per user (for blending arithmetic only). */
function fixed(name: 'popularity' | 'item_knn', answers: Record<string, ScoredItem[]>): RecommendationModel {
  return {
    algorithm: name,
    recommend: (userId, n, exclude) =>
      (answers[userId] ?? []).filter((item) => !exclude?.has(item.itemId)).slice(0, n),
    userSupport: (userId) => (answers[userId] ? 1 : 0),
  };
}

const first = fixed('item_knn', {
  u: [
    { itemId: 'a', score: 9 },
    { itemId: 'b', score: 1 },
  ],
});
const second = fixed('popularity', {
  u: [
    { itemId: 'b', score: 0.9 },
    { itemId: 'c', score: 0.8 },
  ],
  other: [{ itemId: 'c', score: 5 }],
});

describe('blend', () => {
  it('normalises by rank (1 − rank/depth) or by the best score', () => {
    const items = [
      { itemId: 'a', score: 8 },
      { itemId: 'b', score: 2 },
    ];
    expect(normalizeScores(items, 'rank', 4)).toEqual([
      { itemId: 'a', score: 1 },
      { itemId: 'b', score: 0.75 },
    ]);
    expect(normalizeScores(items, 'max', 4)).toEqual([
      { itemId: 'a', score: 1 },
      { itemId: 'b', score: 0.25 },
    ]);
  });

  it('sums weighted normalised scores over the union of the components’ lists', () => {
    const rank = blendModels(
      [
        { model: first, weight: 1 },
        { model: second, weight: 1 },
      ],
      { depth: 10, normalization: 'rank' },
    );
    // n = 2 → depth max(10, 5·2) = 10. a: 1; b: 0.9 + 1; c: 0.9.
    expect(rank.recommend('u', 2)).toEqual([
      { itemId: 'b', score: 1.9 },
      { itemId: 'a', score: 1 },
    ]);
    const max = blendModels(
      [
        { model: first, weight: 2 },
        { model: second, weight: 1 },
      ],
      { normalization: 'max' },
    );
    // a: 2·1; b: 2·(1/9) + 1; c: 0.8/0.9.
    expect(max.recommend('u', 3).map((item) => item.itemId)).toEqual(['a', 'b', 'c']);
    expect(max.recommend('u', 1)[0]!.score).toBeCloseTo(2, 12);
  });

  it('lets the other components decide when one has nothing, and honours exclusions', () => {
    const blend = blendModels([
      { model: first, weight: 1 },
      { model: second, weight: 1 },
    ]);
    expect(blend.recommend('other', 3).map((item) => item.itemId)).toEqual(['c']);
    expect(blend.recommend('u', 3, new Set(['b'])).map((item) => item.itemId)).toEqual(['a', 'c']);
    expect(blend.userSupport('other')).toBe(1);
  });

  it('fits its components from a spec, reusing already fitted ones with default options', () => {
    const data = [
      { userId: 'x', itemId: 'p' },
      { userId: 'x', itemId: 'q' },
      { userId: 'y', itemId: 'p' },
    ];
    const blend = fitBlend(
      data,
      { components: [{ algorithm: 'popularity', weight: 1 }] },
      {},
      { popularity: second },
    );
    expect(blend.recommend('other', 3).map((item) => item.itemId)).toEqual(['c']);
    const fitted = fitBlend(data, {
      components: [
        { algorithm: 'item_knn', weight: 1 },
        { algorithm: 'popularity', weight: 0.5 },
      ],
    });
    expect(fitted.recommend('y', 3, new Set(['p'])).map((item) => item.itemId)).toEqual(['q']);
  });
});
