import { describe, expect, it } from 'vitest';
import {
  applyRules,
  type CatalogItem,
  exclusionReason,
  recentlyPurchased,
  ruleSettingsSchema,
} from '../../../src/recommend/rules.js';

const DAY = 86_400_000;
const NOW = 1_000 * DAY;

function catalogOf(items: CatalogItem[]): Map<string, CatalogItem> {
  return new Map(items.map((item) => [item.itemId, item]));
}

const catalog = catalogOf([
  { itemId: 'tee', category: 'tops', price: 20 },
  { itemId: 'shirt', category: 'tops', price: 45 },
  { itemId: 'polo', category: 'tops', price: 35 },
  { itemId: 'jeans', category: 'bottoms', price: 60 },
  { itemId: 'coat', category: 'outerwear', price: 400 },
  { itemId: 'socks', category: 'accessories', price: 5, inStock: false },
  { itemId: 'old-cap', category: 'accessories', price: 15, active: false },
  { itemId: 'mystery' },
]);

const ranked = ['tee', 'shirt', 'polo', 'jeans', 'coat', 'socks', 'old-cap', 'mystery', 'ghost'].map(
  (itemId, r) => ({
    itemId,
    score: 10 - r,
  }),
);

const ids = (items: { itemId: string }[]) => items.map((item) => item.itemId);

describe('business rules', () => {
  it('excludes out of stock, inactive and unknown items; items without data pass the price band', () => {
    const result = applyRules(
      ranked,
      { priceBand: { min: 0, max: 2 } },
      { catalog, now: NOW, averageOrderValue: 50 },
      20,
    );
    // coat 400 > 2 × 50; socks out of stock; old-cap inactive; ghost not in the catalogue.
    expect(ids(result)).toEqual(['tee', 'shirt', 'polo', 'jeans', 'mystery']);
    const settings = ruleSettingsSchema.parse({ requireCatalogEntry: false, excludeOutOfStock: false });
    expect(exclusionReason('ghost', settings, { catalog, now: NOW })).toBeUndefined();
    expect(exclusionReason('socks', settings, { catalog, now: NOW })).toBeUndefined();
    expect(exclusionReason('old-cap', settings, { catalog, now: NOW })).toBe('inactive');
  });

  it('price band: relative to the profile’s AOV, both ends; no AOV, no band', () => {
    const band = { priceBand: { min: 0.5, max: 1 } };
    expect(
      ids(applyRules(ranked.slice(0, 5), band, { catalog, now: NOW, averageOrderValue: 50 }, 10)),
    ).toEqual(['shirt', 'polo']);
    expect(ids(applyRules(ranked.slice(0, 5), band, { catalog, now: NOW }, 10))).toHaveLength(5);
  });

  it('excludes items bought within the window, not older purchases', () => {
    const purchases = new Map([
      ['tee', NOW - 3 * DAY],
      ['shirt', NOW - 90 * DAY],
    ]);
    const settings = ruleSettingsSchema.parse({ excludePurchasedWithinDays: 30 });
    expect([...recentlyPurchased(settings, { purchases, now: NOW })]).toEqual(['tee']);
    const result = applyRules(ranked.slice(0, 3), {}, { catalog, purchases, now: NOW }, 10);
    expect(ids(result)).toEqual(['shirt', 'polo']);
    expect(
      ids(applyRules(ranked.slice(0, 3), { excludePurchasedWithinDays: 0 }, { purchases, now: NOW }, 10)),
    ).toEqual(['tee', 'shirt', 'polo']);
  });

  it('diversity: at most K per category among the first n, the rest only to fill', () => {
    const result = applyRules(ranked.slice(0, 5), { maxPerCategory: 1 }, { catalog, now: NOW }, 4);
    expect(ids(result)).toEqual(['tee', 'jeans', 'coat', 'shirt']);
  });

  it('boost multiplies scores and re-ranks; bury sinks items below the rest', () => {
    const boosted = applyRules(ranked.slice(0, 4), { boost: ['jeans'], boostFactor: 2 }, { now: NOW }, 4);
    // jeans 7 × 2 = 14 passes tee's 10.
    expect(ids(boosted)).toEqual(['jeans', 'tee', 'shirt', 'polo']);
    expect(boosted[0]!.score).toBe(14);
    const buried = applyRules(ranked.slice(0, 4), { bury: ['tee', 'shirt'] }, { now: NOW }, 4);
    expect(ids(buried)).toEqual(['polo', 'jeans', 'tee', 'shirt']);
    expect(ids(applyRules(ranked.slice(0, 4), { bury: ['tee'] }, { now: NOW }, 2))).toEqual([
      'shirt',
      'polo',
    ]);
  });
});
