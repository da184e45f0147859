import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../../src/recommend/synthetic.js';

describe('synthetic interactions', () => {
  const options = { users: 300, items: 500, interactions: 20_000, groups: 6, popularitySpread: 1.2, seed: 5 };
  const data = generateSynthetic(options);

  it('hits the requested size, with per-user activity inside the bounds and no repeated pair', () => {
    expect(Math.abs(data.interactions.length - 20_000)).toBeLessThan(300);
    const perUser = new Map<string, Set<string>>();
    for (const { userId, itemId } of data.interactions) {
      const items = perUser.get(userId) ?? new Set<string>();
      expect(items.has(itemId)).toBe(false);
      items.add(itemId);
      perUser.set(userId, items);
    }
    expect(perUser.size).toBe(300);
    const counts = [...perUser.values()].map((items) => items.size);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...counts)).toBeLessThanOrEqual(500);
  });

  it('has a long tail of item popularity and planted taste', () => {
    const perItem = new Map<string, number>();
    for (const { itemId } of data.interactions) perItem.set(itemId, (perItem.get(itemId) ?? 0) + 1);
    const counts = [...perItem.values()].sort((a, b) => b - a);
    const top10 = counts.slice(0, Math.ceil(counts.length / 10)).reduce((sum, c) => sum + c, 0);
    // The most popular tenth of items carries over twice its share of the interactions.
    expect(top10 / data.interactions.length).toBeGreaterThan(0.2);
    // Users pick from their main group far more often than its share of the catalogue.
    let inGroup = 0;
    for (const { userId, itemId } of data.interactions) {
      if (data.itemGroup[Number(itemId.slice(1)) - 1] === data.userGroup[Number(userId.slice(1)) - 1])
        inGroup++;
    }
    expect(inGroup / data.interactions.length).toBeGreaterThan(2 / 6);
    expect(data.plantedWeight('u1', 'i1')).toBeGreaterThan(0);
    expect(data.plantedWeight('nobody', 'i1')).toBe(0);
  });

  it('is the same for a seed', () => {
    expect(generateSynthetic(options).interactions.slice(0, 50)).toEqual(data.interactions.slice(0, 50));
    expect(generateSynthetic({ ...options, seed: 6 }).interactions.slice(0, 50)).not.toEqual(
      data.interactions.slice(0, 50),
    );
  });
});
