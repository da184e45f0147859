import { describe, expect, it } from 'vitest';
import { fitItemKnn, itemNeighbours, reverseNeighbours } from '../../../src/recommend/item-knn.js';
import { buildInteractionMatrix } from '../../../src/recommend/matrix.js';
import type { Interaction } from '../../../src/recommend/types.js';

function group(prefix: string, count: number, items: string[]): Interaction[] {
  return Array.from({ length: count }, (_, u) =>
    items.map((itemId) => ({ userId: `${prefix}${u}`, itemId })),
  ).flat();
}

// Five people bought the tent with the stove, three the tent with the popular torch, twenty only
// the torch. Someone who bought the tent should be offered the stove, not the bestseller.
const camping = [
  ...group('pair', 5, ['tent', 'stove']),
  ...group('mixed', 3, ['tent', 'torch']),
  ...group('torch', 20, ['torch']),
  { userId: 'new-camper', itemId: 'tent' },
];

describe('item-KNN', () => {
  it('recommends the item co-consumed with the user’s items ahead of a merely popular one', () => {
    const model = fitItemKnn(camping);
    const answer = model.recommend('new-camper', 5, new Set(['tent']));
    expect(answer.map((item) => item.itemId)).toEqual(['stove', 'torch']);
    expect(answer[0]!.score).toBeGreaterThan(answer[1]!.score);
  });

  it('lists similar items, most similar first, and nothing for unknown ids', () => {
    const model = fitItemKnn(camping);
    expect(model.similarItems!('stove', 5).map((item) => item.itemId)).toEqual(['tent']);
    expect(model.similarItems!('tent', 1).map((item) => item.itemId)).toEqual(['stove']);
    expect(model.similarItems!('kayak', 5)).toEqual([]);
    expect(model.recommend('stranger', 5)).toEqual([]);
    expect(model.userSupport('new-camper')).toBe(1);
    expect(model.userSupport('stranger')).toBe(0);
  });

  it('is the plain cosine at asymmetry 0.5 without shrinkage, and shrinkage pulls it towards 0', () => {
    const matrix = buildInteractionMatrix(camping);
    const similarity = (shrinkage: number) => {
      const lists = itemNeighbours(matrix, {
        neighbours: 10,
        shrinkage,
        asymmetry: 0.5,
        pruning: 'candidate',
      });
      const stove = matrix.itemIndex.get('stove')!;
      const tent = matrix.itemIndex.get('tent')!;
      for (let t = lists.start[stove]!; t < lists.start[stove + 1]!; t++) {
        if (lists.items[t] === tent) return lists.similarities[t]!;
      }
      return 0;
    };
    // 5 shared users; the tent has 9, the stove 5.
    expect(similarity(0)).toBeCloseTo(5 / Math.sqrt(9 * 5), 12);
    expect(similarity(10)).toBeCloseTo(5 / (Math.sqrt(9 * 5) + 10), 12);
  });

  it('keeps only the K nearest neighbours of each candidate', () => {
    const matrix = buildInteractionMatrix(camping);
    const lists = itemNeighbours(matrix, {
      neighbours: 1,
      shrinkage: 0,
      asymmetry: 0.5,
      pruning: 'candidate',
    });
    for (let i = 0; i < matrix.itemIds.length; i++)
      expect(lists.start[i + 1]! - lists.start[i]!).toBeLessThanOrEqual(1);
    // The torch's nearest item is the tent: only the tent votes for the torch.
    const votes = reverseNeighbours(lists);
    const torch = matrix.itemIndex.get('torch')!;
    const voters = [];
    for (let j = 0; j < matrix.itemIds.length; j++) {
      for (let t = votes.start[j]!; t < votes.start[j + 1]!; t++)
        if (votes.items[t] === torch) voters.push(matrix.itemIds[j]);
    }
    expect(voters).toEqual(['tent']);
  });

  it('weighs interaction types: a purchase says more than a view', () => {
    const data: Interaction[] = [
      ...group('a', 4, ['phone', 'case']),
      ...group('b', 4, ['phone', 'charger']),
      { userId: 'shopper', itemId: 'case', type: 'view' },
      { userId: 'shopper', itemId: 'charger', type: 'purchase' },
    ];
    const answer = fitItemKnn(data).recommend('shopper', 3, new Set(['case', 'charger']));
    expect(answer[0]!.itemId).toBe('phone');
  });
});
