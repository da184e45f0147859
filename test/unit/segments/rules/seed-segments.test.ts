import { describe, expect, it } from 'vitest';
import { type CompiledRule, compileRule } from '../../../../src/segments/rules/compile.js';
import { parseSegmentRule } from '../../../../src/segments/rules/parse.js';
import {
  SEED_SEGMENTS,
  type SeedSegmentKey,
  seedSegment,
} from '../../../../src/segments/rules/seed-segments.js';
import type { ProfileSnapshot } from '../../../../src/segments/rules/snapshot.js';
import { DAY, event, HOUR, NOW, profile } from './fixtures.js';

const seed = (key: SeedSegmentKey): CompiledRule => compileRule(seedSegment(key).rule);

/** The membership at NOW, when it may next change, and the membership just before and at that time. */
function timeline(compiled: CompiledRule, snapshot: ProfileSnapshot) {
  const next = compiled.nextChangeAt(snapshot, NOW);
  return {
    now: compiled.matches(snapshot, NOW),
    next,
    justBefore: next === null ? null : compiled.matches(snapshot, next - 1),
    at: next === null ? null : compiled.matches(snapshot, next),
  };
}

describe('seed segments', () => {
  it('are valid rules that name known events', () => {
    const knownEventNames = new Set(['Product Viewed', 'Order Completed']);
    for (const { rule } of SEED_SEGMENTS) {
      expect(parseSegmentRule(rule, { knownEventNames })).toEqual({ ok: true, rule, warnings: [] });
    }
    expect(new Set(SEED_SEGMENTS.map((s) => s.key)).size).toBe(8);
  });

  it('browsed category X in the last 24 h', () => {
    const browsed = seed('browsed_category');
    const viewedAt = NOW - 3 * HOUR;
    expect(
      timeline(browsed, profile({ events: [event('Product Viewed', viewedAt, { category: 'Shoes' })] })),
    ).toEqual({
      now: true,
      next: viewedAt + 24 * HOUR,
      justBefore: true,
      at: false,
    });
    const other = profile({ events: [event('Product Viewed', NOW - HOUR, { category: 'Hats' })] });
    expect(timeline(browsed, other)).toEqual({ now: false, next: null, justBefore: null, at: null });
    const old = profile({ events: [event('Product Viewed', NOW - 25 * HOUR, { category: 'Shoes' })] });
    expect(timeline(browsed, old).now).toBe(false);
  });

  it('abandoned cart worth over $50', () => {
    const abandoned = seed('abandoned_cart');
    const items = [{ productId: 'SKU-9', price: 62.5, quantity: 1 }];
    const idle = profile({ cart: { items, value: 62.5, updatedAt: NOW - 5 * HOUR } });
    expect(timeline(abandoned, idle)).toEqual({ now: true, next: null, justBefore: null, at: null });
    // Still being filled: it becomes abandoned 4 hours after the last touch.
    const fresh = profile({ cart: { items, value: 62.5, updatedAt: NOW - HOUR } });
    expect(timeline(abandoned, fresh)).toEqual({
      now: false,
      next: NOW + 3 * HOUR,
      justBefore: false,
      at: true,
    });
    const cheap = profile({ cart: { items, value: 30, updatedAt: NOW - 10 * HOUR } });
    expect(timeline(abandoned, cheap)).toEqual({ now: false, next: null, justBefore: null, at: null });
    expect(abandoned.matches(profile(), NOW)).toBe(false);
  });

  it('fading: viewed in the past 7 days, no interaction in the last 3', () => {
    const fading = seed('fading');
    const lastView = NOW - 5 * DAY;
    const member = profile({ events: [event('Product Viewed', lastView)], lastEventAt: lastView });
    // Leaves exactly when the 7-day window passes the last view.
    expect(timeline(fading, member)).toEqual({
      now: true,
      next: lastView + 7 * DAY,
      justBefore: true,
      at: false,
    });
    // Viewed 2 days ago, opened an email yesterday: enters when 3 days have passed since the email.
    const lastInteraction = NOW - DAY;
    const engaged = profile({
      events: [event('Product Viewed', NOW - 2 * DAY)],
      lastEventAt: lastInteraction,
    });
    expect(timeline(fading, engaged)).toEqual({
      now: false,
      next: lastInteraction + 3 * DAY,
      justBefore: false,
      at: true,
    });
    const neverViewed = profile({ lastEventAt: NOW - 10 * DAY });
    expect(timeline(fading, neverViewed)).toEqual({ now: false, next: null, justBefore: null, at: null });
  });

  it('high-value recent buyers: purchase in the last 15 days and total over $200', () => {
    const highValue = seed('high_value_recent_buyers');
    const orderedAt = NOW - 5 * DAY;
    const buyer = profile({ events: [event('Order Completed', orderedAt)], metrics: { monetary: 250 } });
    expect(timeline(highValue, buyer)).toEqual({
      now: true,
      next: orderedAt + 15 * DAY,
      justBefore: true,
      at: false,
    });
    const small = profile({ events: [event('Order Completed', orderedAt)], metrics: { monetary: 150 } });
    expect(timeline(highValue, small)).toEqual({ now: false, next: null, justBefore: null, at: null });
    const earlier = profile({
      events: [event('Order Completed', NOW - 20 * DAY)],
      metrics: { monetary: 900 },
    });
    expect(timeline(highValue, earlier).now).toBe(false);
  });

  it('lapsed: customers with no purchase in 90 days', () => {
    const lapsed = seed('lapsed');
    const longAgo = profile({
      events: [event('Order Completed', NOW - 100 * DAY)],
      metrics: { frequency: 3 },
    });
    expect(timeline(lapsed, longAgo)).toEqual({ now: true, next: null, justBefore: null, at: null });
    const orderedAt = NOW - 60 * DAY;
    const recent = profile({ events: [event('Order Completed', orderedAt)], metrics: { frequency: 2 } });
    expect(timeline(lapsed, recent)).toEqual({
      now: false,
      next: orderedAt + 90 * DAY,
      justBefore: false,
      at: true,
    });
    expect(timeline(lapsed, profile({ metrics: { frequency: 0 } })).now).toBe(false);
  });

  it('VIP: more than 3 purchases in the last month', () => {
    const vip = seed('vip');
    const orders = (...daysAgo: number[]) => daysAgo.map((d) => event('Order Completed', NOW - d * DAY));
    const member = profile({ events: orders(20, 1, 10, 5) });
    expect(timeline(vip, member)).toEqual({ now: true, next: NOW + 10 * DAY, justBefore: true, at: false });
    expect(timeline(vip, profile({ events: orders(1, 5, 10) })).now).toBe(false);
    expect(timeline(vip, profile({ events: orders(1, 5, 10, 31, 45) }))).toEqual({
      now: false,
      next: null,
      justBefore: null,
      at: null,
    });
  });

  it('birthday today', () => {
    const birthday = seed('birthday_today');
    expect(timeline(birthday, profile({ traits: { birthday: '1985-05-17' } }))).toEqual({
      now: true,
      next: Date.UTC(2025, 4, 18),
      justBefore: true,
      at: false,
    });
    expect(timeline(birthday, profile({ traits: { birthday: '1985-05-18' } }))).toEqual({
      now: false,
      next: Date.UTC(2025, 4, 18),
      justBefore: false,
      at: true,
    });
    expect(timeline(birthday, profile()).next).toBeNull();
  });

  it('viewed product X in the last 48 h and no purchase in 30 days', () => {
    const viewedNoPurchase = seed('viewed_product_no_purchase');
    const viewedAt = NOW - 10 * HOUR;
    const view = event('Product Viewed', viewedAt, { product_id: 'SKU-123' });
    const member = profile({ events: [view, event('Order Completed', NOW - 45 * DAY)] });
    expect(timeline(viewedNoPurchase, member)).toEqual({
      now: true,
      next: viewedAt + 48 * HOUR,
      justBefore: true,
      at: false,
    });
    // Bought 10 days ago: the purchase condition cannot turn true before 20 days from now, which
    // is a safe (early) bound; re-evaluated then, the view has gone and nothing changes any more.
    const buyer = profile({ events: [view, event('Order Completed', NOW - 10 * DAY)] });
    const next = viewedNoPurchase.nextChangeAt(buyer, NOW);
    expect(viewedNoPurchase.matches(buyer, NOW)).toBe(false);
    expect(next).toBe(NOW + 20 * DAY);
    expect(viewedNoPurchase.matches(buyer, next!)).toBe(false);
    expect(viewedNoPurchase.nextChangeAt(buyer, next!)).toBeNull();
    const otherProduct = profile({ events: [event('Product Viewed', viewedAt, { product_id: 'SKU-999' })] });
    expect(timeline(viewedNoPurchase, otherProduct).now).toBe(false);
  });
});
