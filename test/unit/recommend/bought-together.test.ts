import { describe, expect, it } from 'vitest';
import { fitBoughtTogether } from '../../../src/recommend/bought-together.js';
import type { Interaction } from '../../../src/recommend/types.js';

function orders(baskets: string[][]): Interaction[] {
  return baskets.flatMap((items, b) =>
    items.map((itemId) => ({ userId: `c${b % 3}`, itemId, basketId: `o${b}` })),
  );
}

const shop = orders([
  ['camera', 'sd-card'],
  ['camera', 'sd-card', 'strap'],
  ['camera', 'sd-card'],
  ['camera', 'tripod'],
  ['camera', 'tripod'],
  ['batteries', 'sd-card'],
  ['batteries'],
  ['batteries'],
  ['camera', 'lens-cloth'],
]);

describe('bought together', () => {
  it('ranks the items most often in the same basket as the product', () => {
    const model = fitBoughtTogether(shop);
    const answer = model.similarItems!('camera', 5);
    // sd-card: 3 shared baskets of 6 cameras and 4 sd-cards; tripod: 2 of 6 and 2.
    expect(answer.map((item) => item.itemId)).toEqual(['sd-card', 'tripod']);
    expect(answer[0]!.score).toBeCloseTo(3 / Math.sqrt(6 * 4), 12);
    expect(answer[1]!.score).toBeCloseTo(2 / Math.sqrt(6 * 2), 12);
  });

  it('drops pairs below the minimum support', () => {
    const model = fitBoughtTogether(shop, { minSupport: 1 });
    expect(model.similarItems!('camera', 5).map((item) => item.itemId)).toContain('lens-cloth');
    expect(fitBoughtTogether(shop).similarItems!('strap', 5)).toEqual([]);
  });

  it('lift: co-occurrence against chance', () => {
    const model = fitBoughtTogether(shop, { normalization: 'lift' });
    const tripod = model.similarItems!('camera', 5).find((item) => item.itemId === 'tripod')!;
    // 2 baskets of 9, cameras in 6, tripods in 2: 2 · 9 / (6 · 2).
    expect(tripod.score).toBeCloseTo(1.5, 12);
  });

  it('answers for a cart, leaving out what is in it and what is excluded', () => {
    const model = fitBoughtTogether(shop, { minSupport: 1 });
    const answer = model.forItems(['camera', 'sd-card'], 5, new Set(['tripod']));
    // strap goes with both (1/√6 + 1/√4), lens-cloth with the camera (1/√6), batteries with the card (1/√12).
    expect(answer.map((item) => item.itemId)).toEqual(['strap', 'lens-cloth', 'batteries']);
    expect(answer[0]!.score).toBeCloseTo(1 / Math.sqrt(6) + 0.5, 12);
    expect(model.forItems(['unknown'], 5)).toEqual([]);
  });

  it('without basket ids, one basket per customer', () => {
    const history: Interaction[] = [
      { userId: 'a', itemId: 'x' },
      { userId: 'a', itemId: 'y' },
      { userId: 'b', itemId: 'x' },
      { userId: 'b', itemId: 'y' },
      { userId: 'c', itemId: 'x' },
    ];
    const model = fitBoughtTogether(history);
    expect(model.similarItems!('x', 3).map((item) => item.itemId)).toEqual(['y']);
    expect(model.recommend('c', 3).map((item) => item.itemId)).toEqual(['y']);
  });
});
