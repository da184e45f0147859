import { describe, expect, it } from 'vitest';
import { assignFolds, crossValidate, evaluateFold } from '../../../src/recommend/evaluate.js';
import { fitItemKnn } from '../../../src/recommend/item-knn.js';
import { fitPopularity } from '../../../src/recommend/popularity.js';
import { generateSynthetic } from '../../../src/recommend/synthetic.js';
import type { Interaction, RecommendationModel } from '../../../src/recommend/types.js';

describe('fold assignment', () => {
  const rows: Interaction[] = Array.from({ length: 103 }, (_, k) => ({
    userId: `u${k % 7}`,
    itemId: `i${k}`,
  }));

  it('deals pairs into equal folds, the same for a seed and different for another', () => {
    const folds = assignFolds(rows, 5, 1);
    const sizes = [0, 1, 2, 3, 4].map((fold) => folds.filter((f) => f === fold).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Array.from(assignFolds(rows, 5, 1))).toEqual(Array.from(folds));
    expect(Array.from(assignFolds(rows, 5, 2))).not.toEqual(Array.from(folds));
  });

  it('keeps the rows of one (user, item) pair in one fold', () => {
    const repeated: Interaction[] = rows.flatMap((row) => [row, { ...row, weight: 2 }]);
    const folds = assignFolds(repeated, 5, 3);
    for (let k = 0; k < repeated.length; k += 2) expect(folds[k]).toBe(folds[k + 1]);
  });
});

describe('evaluateFold', () => {
  it('excludes training items from the ranking and scores the rest against the test items', () => {
    const train: Interaction[] = [
      { userId: 'u', itemId: 'seen' },
      { userId: 'v', itemId: 'x' },
    ];
    const test: Interaction[] = [
      { userId: 'u', itemId: 'hit' },
      { userId: 'u', itemId: 'seen' },
      { userId: 'u', itemId: 'missed' },
    ];
    const asked: (string[] | undefined)[] = [];
    const model: RecommendationModel = {
      algorithm: 'popularity',
      recommend: (_userId, n, exclude) => {
        asked.push(exclude ? [...exclude] : undefined);
        return ['seen', 'hit', 'other']
          .filter((id) => !exclude?.has(id))
          .slice(0, n)
          .map((itemId) => ({ itemId, score: 1 }));
      },
      userSupport: () => 1,
    };
    const metrics = evaluateFold({ model }, { train, test }, 2).model!;
    expect(asked).toEqual([['seen']]);
    // u: relevant {hit, missed} (seen is in training); list [hit, other]: 1 hit of k = 2.
    expect(metrics).toMatchObject({ precision: 0.5, recall: 0.5, users: 1 });
    expect(metrics.ndcg).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
  });
});

describe('crossValidate', () => {
  it('item-KNN beats popularity on planted data', () => {
    const data = generateSynthetic({
      users: 200,
      items: 300,
      interactions: 8_000,
      minPerUser: 10,
      maxPerUser: 150,
      groups: 6,
      popularitySpread: 1,
      seed: 3,
    });
    const folds: number[] = [];
    const results = crossValidate(data.interactions, {
      folds: 3,
      k: 10,
      seed: 1,
      fit: (train) => ({ popularity: fitPopularity(train), item_knn: fitItemKnn(train) }),
      onFold: (fold) => folds.push(fold),
    });
    expect(folds).toEqual([0, 1, 2]);
    expect(results.item_knn!.precision).toBeGreaterThan(results.popularity!.precision * 1.2);
    expect(results.item_knn!.users).toBeGreaterThan(190);
    expect(() => crossValidate(data.interactions, { folds: 1, k: 10, seed: 1, fit: () => ({}) })).toThrow(
      /folds/,
    );
  });
});
