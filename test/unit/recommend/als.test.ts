import { describe, expect, it } from 'vitest';
import { fitAls } from '../../../src/recommend/als.js';
import { assignFolds, evaluateFold, splitFold } from '../../../src/recommend/evaluate.js';
import { fitPopularity } from '../../../src/recommend/popularity.js';
import { generateSynthetic } from '../../../src/recommend/synthetic.js';

// Small planted data: 6 groups of items, users sticking to one or two groups, mild popularity.
const planted = generateSynthetic({
  users: 240,
  items: 180,
  interactions: 7_000,
  minPerUser: 10,
  maxPerUser: 80,
  groups: 6,
  withinGroupWidth: 1,
  popularitySpread: 0.5,
  noise: 0.01,
  secondaryGroup: 0,
  seed: 7,
});
const options = { factors: 12, iterations: 10, regularization: 1 };

describe('implicit ALS', () => {
  it('recovers the planted groups: held-out items found far more often than by popularity', () => {
    const split = splitFold(planted.interactions, assignFolds(planted.interactions, 5, 1), 0);
    const metrics = evaluateFold(
      { als: fitAls(split.train, options), popularity: fitPopularity(split.train) },
      split,
      10,
    );
    expect(metrics.als!.precision).toBeGreaterThan(metrics.popularity!.precision * 1.5);
    expect(metrics.als!.ndcg).toBeGreaterThan(metrics.popularity!.ndcg * 1.5);
  });

  it('recommends and finds similar items inside the user’s and the item’s own group', () => {
    const model = fitAls(planted.interactions, options);
    const groupOf = (itemId: string) => planted.itemGroup[Number(itemId.slice(1)) - 1];
    let inGroup = 0;
    let total = 0;
    for (let u = 0; u < 40; u++) {
      const userId = `u${u + 1}`;
      for (const item of model.recommend(userId, 5)) {
        total++;
        if (groupOf(item.itemId) === planted.userGroup[u]) inGroup++;
      }
    }
    expect(inGroup / total).toBeGreaterThan(0.6);
    const similar = model.similarItems!('i1', 10);
    expect(similar.filter((item) => groupOf(item.itemId) === groupOf('i1')).length).toBeGreaterThanOrEqual(7);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const a = fitAls(planted.interactions.slice(0, 2000), { ...options, seed: 3 });
    const b = fitAls(planted.interactions.slice(0, 2000), { ...options, seed: 3 });
    const c = fitAls(planted.interactions.slice(0, 2000), { ...options, seed: 4 });
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.itemFactors)).not.toEqual(Array.from(c.itemFactors));
  });

  it('excludes what it is told to, and has nothing for an unknown user', () => {
    const model = fitAls(planted.interactions, options);
    const first = model.recommend('u1', 3);
    const next = model.recommend('u1', 3, new Set([first[0]!.itemId]));
    expect(next.map((item) => item.itemId)).not.toContain(first[0]!.itemId);
    expect(next[0]!.itemId).toBe(first[1]!.itemId);
    expect(model.recommend('nobody', 3)).toEqual([]);
  });
});
