import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../../src/segments/rules/compile.js';
import { DAY, event, HOUR, MINUTE, NOW, profile, rule } from './fixtures.js';

const compile = (json: unknown) => compileRule(rule(json));
const viewedShoes = (at: number, extra: Record<string, unknown> = {}) =>
  event('Product Viewed', at, { category: 'Shoes', price: 80, ...extra });

describe('event: performed within a window, with property conditions and counts', () => {
  const browsed = compile({
    type: 'event',
    event: 'Product Viewed',
    where: [{ property: 'category', op: 'eq', value: 'shoes' }],
    within: { last: 24, unit: 'hours' },
  });

  it('counts matching events in (now - W, now]', () => {
    expect(browsed.matches(profile({ events: [viewedShoes(NOW - 23 * HOUR)] }), NOW)).toBe(true);
    expect(browsed.matches(profile({ events: [viewedShoes(NOW - 24 * HOUR)] }), NOW)).toBe(false);
    expect(browsed.matches(profile({ events: [viewedShoes(NOW - HOUR, { category: 'Hats' })] }), NOW)).toBe(
      false,
    );
    expect(
      browsed.matches(profile({ events: [event('Product Added', NOW - HOUR, { category: 'Shoes' })] }), NOW),
    ).toBe(false);
    // Names are case-sensitive, as sources send them.
    expect(
      browsed.matches(profile({ events: [event('product viewed', NOW - HOUR, { category: 'Shoes' })] }), NOW),
    ).toBe(false);
  });

  it('counts a future-stamped event only from its own time', () => {
    const skewed = profile({ events: [viewedShoes(NOW + 5 * MINUTE)] });
    expect(browsed.matches(skewed, NOW)).toBe(false);
    expect(browsed.matches(skewed, NOW + 5 * MINUTE)).toBe(true);
    expect(browsed.nextChangeAt(skewed, NOW)).toBe(NOW + 5 * MINUTE);
  });

  it('without a window, looks at the whole history', () => {
    const ever = compile({ type: 'event', event: 'Order Completed' });
    expect(ever.matches(profile({ events: [event('Order Completed', NOW - 3000 * DAY)] }), NOW)).toBe(true);
    expect(
      ever.nextChangeAt(profile({ events: [event('Order Completed', NOW - 3000 * DAY)] }), NOW),
    ).toBeNull();
  });

  it('supports every count operator', () => {
    const events = [1, 2, 3].map((d) => event('Order Completed', NOW - d * DAY));
    const count = (op: string, value: unknown) =>
      compile({
        type: 'event',
        event: 'Order Completed',
        count: { op, value },
        within: { last: 30, unit: 'days' },
      }).matches(profile({ events }), NOW);
    expect(count('gte', 3)).toBe(true);
    expect(count('gt', 3)).toBe(false);
    expect(count('eq', 3)).toBe(true);
    expect(count('neq', 3)).toBe(false);
    expect(count('lt', 4)).toBe(true);
    expect(count('lte', 2)).toBe(false);
    expect(count('between', [2, 3])).toBe(true);
    expect(count('eq', 0)).toBe(false);
  });

  it('applies every property operator, on nested properties too', () => {
    const where = (condition: Record<string, unknown>, properties: Record<string, unknown>) =>
      compile({ type: 'event', event: 'E', where: [condition] }).matches(
        profile({ events: [event('E', NOW - HOUR, properties)] }),
        NOW,
      );
    expect(where({ property: 'price', op: 'gte', value: 50 }, { price: '50' })).toBe(true);
    expect(where({ property: 'price', op: 'lt', value: 50 }, { price: 50 })).toBe(false);
    expect(where({ property: 'price', op: 'between', value: [10, 20] }, { price: 15 })).toBe(true);
    expect(where({ property: 'sku', op: 'in', value: ['A', 'B'] }, { sku: 'b' })).toBe(true);
    expect(where({ property: 'sku', op: 'not_in', value: ['A', 'B'] }, { sku: 'C' })).toBe(true);
    expect(where({ property: 'name', op: 'contains', value: 'boot' }, { name: 'Rain Boots' })).toBe(true);
    expect(where({ property: 'name', op: 'not_contains', value: 'boot' }, { name: 'Rain Boots' })).toBe(
      false,
    );
    expect(where({ property: 'coupon', op: 'exists' }, {})).toBe(false);
    expect(where({ property: 'coupon', op: 'not_exists' }, {})).toBe(true);
    expect(
      where({ property: 'product.brand', op: 'eq', value: 'acme' }, { product: { brand: 'ACME' } }),
    ).toBe(true);
    expect(where({ property: 'sku', op: 'neq', value: 'A' }, { sku: 'A' })).toBe(false);
  });

  it('requires every where condition', () => {
    const both = compile({
      type: 'event',
      event: 'Product Viewed',
      where: [
        { property: 'category', op: 'eq', value: 'Shoes' },
        { property: 'price', op: 'gt', value: 100 },
      ],
    });
    expect(both.matches(profile({ events: [viewedShoes(NOW - HOUR)] }), NOW)).toBe(false);
    expect(both.matches(profile({ events: [viewedShoes(NOW - HOUR, { price: 120 })] }), NOW)).toBe(true);
  });
});

describe('event: when the answer changes with time', () => {
  const atLeastTwo = compile({
    type: 'event',
    event: 'Product Viewed',
    count: { op: 'gte', value: 2 },
    within: { last: 7, unit: 'days' },
  });

  it('a member leaves when the second most recent event leaves the window', () => {
    const events = [viewedShoes(NOW - 1 * DAY), viewedShoes(NOW - 3 * DAY), viewedShoes(NOW - 5 * DAY)];
    const at = atLeastTwo.nextChangeAt(profile({ events }), NOW);
    expect(at).toBe(NOW - 3 * DAY + 7 * DAY);
    expect(atLeastTwo.matches(profile({ events }), at! - 1)).toBe(true);
    expect(atLeastTwo.matches(profile({ events }), at!)).toBe(false);
  });

  it('a non-member joins when enough future-stamped events arrive, in any order', () => {
    const events = [viewedShoes(NOW + 2 * HOUR), viewedShoes(NOW - 9 * DAY), viewedShoes(NOW + HOUR)];
    expect(atLeastTwo.nextChangeAt(profile({ events }), NOW)).toBe(NOW + 2 * HOUR);
  });

  it('nothing changes when no event can enter or leave in a way that matters', () => {
    expect(atLeastTwo.nextChangeAt(profile({ events: [viewedShoes(NOW - 8 * DAY)] }), NOW)).toBeNull();
    expect(atLeastTwo.nextChangeAt(profile({ events: [viewedShoes(NOW - DAY)] }), NOW)).toBeNull();
  });
});

describe('not_event', () => {
  const noPurchase = compile({
    type: 'not_event',
    event: 'Order Completed',
    within: { last: 30, unit: 'days' },
  });

  it('holds when no matching event is in the window', () => {
    expect(noPurchase.matches(profile(), NOW)).toBe(true);
    expect(noPurchase.matches(profile({ events: [event('Order Completed', NOW - 31 * DAY)] }), NOW)).toBe(
      true,
    );
    expect(noPurchase.matches(profile({ events: [event('Order Completed', NOW - 29 * DAY)] }), NOW)).toBe(
      false,
    );
  });

  it('turns true when the last matching event leaves the window', () => {
    const events = [event('Order Completed', NOW - 29 * DAY), event('Order Completed', NOW - 2 * DAY)];
    expect(noPurchase.nextChangeAt(profile({ events }), NOW)).toBe(NOW + 28 * DAY);
  });

  it('filters by properties', () => {
    const noShoes = compile({
      type: 'not_event',
      event: 'Order Completed',
      where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
    });
    expect(
      noShoes.matches(profile({ events: [event('Order Completed', NOW - DAY, { category: 'Hats' })] }), NOW),
    ).toBe(true);
    expect(
      noShoes.matches(profile({ events: [event('Order Completed', NOW - DAY, { category: 'Shoes' })] }), NOW),
    ).toBe(false);
  });
});

describe('last_performed', () => {
  const orders = (...daysAgo: number[]) => daysAgo.map((d) => event('Order Completed', NOW - d * DAY));

  it('before N ago: the latest event is at least N old; never performed is false', () => {
    const lapsed = compile({
      type: 'last_performed',
      event: 'Order Completed',
      before: { ago: 60, unit: 'days' },
    });
    expect(lapsed.matches(profile({ events: orders(200, 61) }), NOW)).toBe(true);
    expect(lapsed.matches(profile({ events: orders(200, 59) }), NOW)).toBe(false);
    expect(lapsed.matches(profile({ events: orders(60) }), NOW)).toBe(true);
    expect(lapsed.matches(profile(), NOW)).toBe(false);
    expect(lapsed.nextChangeAt(profile({ events: orders(200, 59) }), NOW)).toBe(NOW + DAY);
    expect(lapsed.nextChangeAt(profile({ events: orders(61) }), NOW)).toBeNull();
  });

  it('after N ago, and ranges', () => {
    const recent = compile({
      type: 'last_performed',
      event: 'Order Completed',
      after: { ago: 12, unit: 'hours' },
    });
    expect(recent.matches(profile({ events: [event('Order Completed', NOW - 11 * HOUR)] }), NOW)).toBe(true);
    expect(recent.matches(profile({ events: [event('Order Completed', NOW - 12 * HOUR)] }), NOW)).toBe(false);
    const range = compile({
      type: 'last_performed',
      event: 'Order Completed',
      before: { ago: 30, unit: 'days' },
      after: { ago: 60, unit: 'days' },
    });
    expect(range.matches(profile({ events: orders(45) }), NOW)).toBe(true);
    expect(range.matches(profile({ events: orders(45, 10) }), NOW)).toBe(false);
    expect(range.matches(profile({ events: orders(75) }), NOW)).toBe(false);
    // Latest 20 days ago: enters the range at 30 days, the first of the two bounds it will cross.
    expect(range.nextChangeAt(profile({ events: orders(20) }), NOW)).toBe(NOW + 10 * DAY);
  });

  it('absolute dates: before D is earlier than D, after D is at or after D', () => {
    const since = compile({
      type: 'last_performed',
      event: 'Order Completed',
      after: { date: '2025-05-01' },
    });
    const until = compile({
      type: 'last_performed',
      event: 'Order Completed',
      before: { date: '2025-05-01' },
    });
    const onTheDay = profile({ events: [event('Order Completed', Date.UTC(2025, 4, 1))] });
    expect(since.matches(onTheDay, NOW)).toBe(true);
    expect(until.matches(onTheDay, NOW)).toBe(false);
    expect(since.nextChangeAt(onTheDay, NOW)).toBeNull();
    // A future-stamped event would become the latest one.
    const future = profile({
      events: [event('Order Completed', Date.UTC(2025, 3, 1)), event('Order Completed', NOW + HOUR)],
    });
    expect(until.matches(future, NOW)).toBe(true);
    expect(until.nextChangeAt(future, NOW)).toBe(NOW + HOUR);
    expect(until.matches(future, NOW + HOUR)).toBe(false);
  });
});
