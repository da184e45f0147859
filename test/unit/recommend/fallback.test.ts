import { describe, expect, it } from 'vitest';
import { recommendWithFallback, supportConfidence } from '../../../src/recommend/fallback.js';
import { fitItemKnn } from '../../../src/recommend/item-knn.js';
import { fitPopularity } from '../../../src/recommend/popularity.js';
import type { CatalogItem } from '../../../src/recommend/rules.js';
import type { Interaction } from '../../../src/recommend/types.js';

function fans(itemId: string, count: number, prefix = 'g'): Interaction[] {
  return Array.from({ length: count }, (_, u) => ({ userId: `${prefix}${u}-${itemId}`, itemId }));
}

// Global favourites g1…g6; a segment (runners) that loves r1…r3; a loyal customer whose history
// makes item-KNN suggest the two items bought with hers.
const everyone: Interaction[] = [
  ...['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].flatMap((itemId, rank) => fans(itemId, 30 - rank)),
  ...Array.from({ length: 6 }, (_, u) => [
    { userId: `pair${u}`, itemId: 'k1' },
    { userId: `pair${u}`, itemId: 'k2' },
    { userId: `pair${u}`, itemId: 'k3' },
  ]).flat(),
  ...['k1', 'a', 'b', 'c', 'd', 'e'].map((itemId) => ({ userId: 'loyal', itemId })),
  { userId: 'newbie', itemId: 'k1' },
];
const runners: Interaction[] = ['r1', 'r2', 'r3'].flatMap((itemId, rank) =>
  fans(itemId, 10 - rank, 'runner'),
);

const personal = fitItemKnn(everyone);
const global = { model: fitPopularity(everyone), profiles: 200 };
const segment = { model: fitPopularity(runners), members: 25 };
const DAY = 86_400_000;
// Models recommend from what the user did; what she already bought is excluded by the rules.
const loyalBought = {
  settings: { excludePurchasedWithinDays: 30 },
  context: {
    purchases: new Map(['k1', 'a', 'b', 'c', 'd', 'e'].map((itemId) => [itemId, 95 * DAY])),
    now: 100 * DAY,
  },
};

describe('fallback chain', () => {
  it('confidence grows with support: support / (support + half)', () => {
    expect(supportConfidence(5, 5)).toBe(0.5);
    expect(supportConfidence(0, 5)).toBe(0);
    expect(supportConfidence(45, 5)).toBe(0.9);
  });

  it('answers personally when there is evidence, topping up from the segment and then global', () => {
    const answer = recommendWithFallback({
      userId: 'loyal',
      n: 6,
      personal,
      segment,
      global,
      rules: loyalBought,
    });
    expect(answer.level).toBe('personal');
    expect(answer.confidence).toBeCloseTo(6 / 11, 12);
    expect(answer.items.map((item) => [item.itemId, item.level])).toEqual([
      ['k2', 'personal'],
      ['k3', 'personal'],
      ['r1', 'segment'],
      ['r2', 'segment'],
      ['r3', 'segment'],
      ['g1', 'global'],
    ]);
    expect(answer.levels.map((level) => level.outcome)).toEqual(['used', 'used', 'used']);
  });

  it('below the minimum confidence a level is skipped instead of guessing', () => {
    // One interaction: personal confidence 1/6 < 0.3.
    const answer = recommendWithFallback({ userId: 'newbie', n: 3, personal, segment, global });
    expect(answer.level).toBe('segment');
    expect(answer.confidence).toBeCloseTo(25 / 45, 12);
    expect(answer.levels[0]).toMatchObject({ level: 'personal', outcome: 'skipped' });
    expect(answer.items.map((item) => item.itemId)).toEqual(['r1', 'r2', 'r3']);
    // A small segment is skipped too; the global level always answers.
    const tiny = recommendWithFallback({
      userId: 'newbie',
      n: 2,
      personal,
      segment: { ...segment, members: 3 },
      global,
    });
    expect(tiny.level).toBe('global');
    expect(tiny.items.map((item) => item.itemId)).toEqual(['g1', 'g2']);
    const lenient = recommendWithFallback({
      userId: 'newbie',
      n: 2,
      personal,
      global,
      settings: { minConfidence: 0.1 },
    });
    expect(lenient.level).toBe('personal');
  });

  it('gives every profile n items, unknown profiles included, and stops asking once n are in hand', () => {
    const answer = recommendWithFallback({ userId: 'nobody', n: 4, personal, global });
    expect(answer.items).toHaveLength(4);
    expect(answer.level).toBe('global');
    const loyal = recommendWithFallback({
      userId: 'loyal',
      n: 2,
      personal,
      segment,
      global,
      rules: loyalBought,
    });
    expect(loyal.levels.map((level) => level.level)).toEqual(['personal']);
  });

  it('applies the rules across levels: exclusions, purchases, diversity', () => {
    const catalog = new Map<string, CatalogItem>(
      ['k2', 'k3', 'r1', 'r2', 'r3', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((itemId) => [
        itemId,
        { itemId, category: itemId[0], inStock: itemId !== 'g1' },
      ]),
    );
    const answer = recommendWithFallback({
      userId: 'loyal',
      n: 5,
      personal,
      segment,
      global,
      exclude: new Set(['k3']),
      rules: {
        settings: { maxPerCategory: 1 },
        context: { catalog, purchases: new Map([['r1', 0]]), now: 10 * DAY },
      },
    });
    // k3 excluded by the caller, r1 bought recently, g1 out of stock, the loyal customer's own
    // items not in the catalogue; one per category first.
    expect(answer.items.map((item) => item.itemId)).toEqual(['k2', 'r2', 'g2', 'r3', 'g3']);
  });
});
