import { describe, expect, it } from 'vitest';
import { fitPopularity } from '../../../src/recommend/popularity.js';
import type { Interaction } from '../../../src/recommend/types.js';

const DAY = 86_400_000;

function rows(itemId: string, users: number, at = 0): Interaction[] {
  return Array.from({ length: users }, (_, u) => ({ userId: `${itemId}-fan-${u}`, itemId, at }));
}

describe('popularity', () => {
  it('ranks items by how many interactions they have, minus the excluded ones', () => {
    const model = fitPopularity([...rows('a', 5), ...rows('b', 3), ...rows('c', 1)]);
    expect(model.recommend('anyone', 2).map((item) => item.itemId)).toEqual(['a', 'b']);
    expect(model.recommend('anyone', 5, new Set(['a'])).map((item) => item.itemId)).toEqual(['b', 'c']);
    expect(model.scoreOf('b')).toBe(3);
  });

  it('trending: with a half-life, recent interest beats a larger but older one', () => {
    const data = [...rows('classic', 10, 0), ...rows('new', 4, 60 * DAY)];
    expect(fitPopularity(data).recommend('u', 1)[0]!.itemId).toBe('classic');
    expect(fitPopularity(data, { halfLifeDays: 7 }).recommend('u', 1)[0]!.itemId).toBe('new');
  });

  it('answers per category when given an item → category map', () => {
    const categories = new Map([
      ['a', 'shoes'],
      ['b', 'hats'],
      ['c', 'hats'],
    ]);
    const model = fitPopularity([...rows('a', 5), ...rows('b', 1), ...rows('c', 3)], { categories });
    expect(model.topInCategory('hats', 5).map((item) => item.itemId)).toEqual(['c', 'b']);
    expect(model.topInCategory('hats', 5, new Set(['c'])).map((item) => item.itemId)).toEqual(['b']);
    expect(model.topInCategory('gloves', 5)).toEqual([]);
    expect(fitPopularity(rows('a', 1)).topInCategory('shoes', 5)).toEqual([]);
  });
});
