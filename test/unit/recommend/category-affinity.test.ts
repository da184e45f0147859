import { describe, expect, it } from 'vitest';
import { categoryAffinity, fitCategoryAffinity } from '../../../src/recommend/category-affinity.js';
import type { Interaction } from '../../../src/recommend/types.js';

const categories = new Map([
  ['boots', 'shoes'],
  ['sneakers', 'shoes'],
  ['sandals', 'shoes'],
  ['cap', 'hats'],
  ['beanie', 'hats'],
]);

const crowd: Interaction[] = [
  // Hats are what most people buy; inside shoes, sneakers beat sandals.
  ...Array.from({ length: 10 }, (_, u) => ({ userId: `h${u}`, itemId: 'cap' })),
  ...Array.from({ length: 6 }, (_, u) => ({ userId: `h${u}`, itemId: 'beanie' })),
  ...Array.from({ length: 4 }, (_, u) => ({ userId: `s${u}`, itemId: 'sneakers' })),
  { userId: 's0', itemId: 'sandals' },
  { userId: 'runner', itemId: 'boots' },
  { userId: 'runner', itemId: 'boots' },
];

describe('category affinity', () => {
  it('scores P(category | user) · P(item | category)', () => {
    const model = fitCategoryAffinity(crowd, { categories });
    const answer = model.recommend('runner', 3, new Set(['boots']));
    // Shoes ≈ 0.77 of the runner; sneakers are 4/7 of shoes, sandals 1/7; the cap is 10/16 of
    // hats at ≈ 0.23: a hit in another category outranks a rarity in the liked one.
    expect(answer.map((item) => item.itemId)).toEqual(['sneakers', 'cap', 'sandals']);
    const shoes = (2 + 7 / 23) / 3;
    expect(answer[0]!.score).toBeCloseTo((shoes * 4) / 7, 12);
    expect(answer[2]!.score).toBeCloseTo(shoes / 7, 12);
  });

  it('smooths the user’s shares towards the overall category mix', () => {
    const model = fitCategoryAffinity(crowd, { categories, prior: 1 });
    const shares = model.affinities('runner');
    expect(shares[0]!.category).toBe('shoes');
    // 2 shoe interactions + 1 pseudo-interaction spread 7/23 shoes, 16/23 hats.
    expect(shares[0]!.share).toBeCloseTo((2 + 7 / 23) / 3, 12);
    expect(shares[1]!.share).toBeCloseTo(16 / 23 / 3, 12);
    expect(fitCategoryAffinity(crowd, { categories, prior: 0 }).affinities('runner')).toEqual([
      { category: 'shoes', share: 1 },
    ]);
  });

  it('finds same-category items and needs its category map', () => {
    const model = fitCategoryAffinity(crowd, { categories });
    expect(model.similarItems!('boots', 5).map((item) => item.itemId)).toEqual(['sneakers', 'sandals']);
    expect(model.recommend('stranger', 3)).toEqual([]);
    expect(() => categoryAffinity.fit(crowd)).toThrow(/categories/);
  });
});
