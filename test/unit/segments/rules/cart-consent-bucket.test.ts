import { describe, expect, it } from 'vitest';
import { fnv1a32, randomBucket } from '../../../../src/segments/rules/bucket.js';
import { compileRule } from '../../../../src/segments/rules/compile.js';
import { HOUR, NOW, profile, rule } from './fixtures.js';

const compile = (json: unknown) => compileRule(rule(json));
const shoes = { productId: 'SKU-1', category: 'Shoes', price: 40, quantity: 2 };
const hat = { productId: 'SKU-2', category: 'Hats', price: 15, quantity: 1 };

describe('cart', () => {
  it('a cart node alone means an open cart (at least one item)', () => {
    const open = compile({ type: 'cart' });
    expect(open.matches(profile({ cart: { items: [hat], value: 15, updatedAt: NOW } }), NOW)).toBe(true);
    expect(open.matches(profile({ cart: { items: [], value: 0, updatedAt: NOW } }), NOW)).toBe(false);
  });

  it('value, item count (sum of quantities), product and category', () => {
    const cart = profile({ cart: { items: [shoes, hat], value: 95, updatedAt: NOW - HOUR } });
    expect(compile({ type: 'cart', value: { op: 'gt', value: 50 } }).matches(cart, NOW)).toBe(true);
    expect(compile({ type: 'cart', value: { op: 'between', value: [100, 200] } }).matches(cart, NOW)).toBe(
      false,
    );
    expect(compile({ type: 'cart', itemCount: { op: 'eq', value: 3 } }).matches(cart, NOW)).toBe(true);
    expect(compile({ type: 'cart', containsProduct: 'SKU-2' }).matches(cart, NOW)).toBe(true);
    expect(compile({ type: 'cart', containsProduct: 'sku-2' }).matches(cart, NOW)).toBe(false);
    expect(compile({ type: 'cart', containsCategory: 'shoes' }).matches(cart, NOW)).toBe(true);
    expect(compile({ type: 'cart', containsCategory: 'Bags' }).matches(cart, NOW)).toBe(false);
  });

  it('updated within / not within a window, flipping at updatedAt + W', () => {
    const active = compile({ type: 'cart', updatedWithin: { last: 4, unit: 'hours' } });
    const idle = compile({ type: 'cart', notUpdatedWithin: { last: 4, unit: 'hours' } });
    const cart = profile({ cart: { items: [hat], value: 15, updatedAt: NOW - HOUR } });
    expect(active.matches(cart, NOW)).toBe(true);
    expect(idle.matches(cart, NOW)).toBe(false);
    expect(active.nextChangeAt(cart, NOW)).toBe(NOW + 3 * HOUR);
    expect(idle.nextChangeAt(cart, NOW)).toBe(NOW + 3 * HOUR);
    expect(idle.matches(cart, NOW + 3 * HOUR)).toBe(true);
    // Items but no time: counted as touched long ago.
    const undated = profile({ cart: { items: [hat], value: 15, updatedAt: null } });
    expect(idle.matches(undated, NOW)).toBe(true);
    expect(active.matches(undated, NOW)).toBe(false);
    expect(idle.nextChangeAt(undated, NOW)).toBeNull();
  });

  it('an empty or cheap cart never turns abandoned by waiting', () => {
    const abandoned = compile({
      type: 'cart',
      value: { op: 'gt', value: 50 },
      notUpdatedWithin: { last: 4, unit: 'hours' },
    });
    expect(
      abandoned.nextChangeAt(profile({ cart: { items: [hat], value: 15, updatedAt: NOW - HOUR } }), NOW),
    ).toBeNull();
    expect(abandoned.nextChangeAt(profile(), NOW)).toBeNull();
  });
});

describe('consent', () => {
  it('compares the channel status; a missing channel is never', () => {
    const subscribed = compile({ type: 'consent', channel: 'email', status: 'subscribed' });
    const never = compile({ type: 'consent', channel: 'sms', status: 'never' });
    expect(subscribed.matches(profile({ consent: { email: 'subscribed' } }), NOW)).toBe(true);
    expect(subscribed.matches(profile({ consent: { email: 'unsubscribed' } }), NOW)).toBe(false);
    expect(subscribed.matches(profile({ consent: { sms: 'subscribed' } }), NOW)).toBe(false);
    expect(never.matches(profile(), NOW)).toBe(true);
    expect(never.matches(profile({ consent: { sms: 'unsubscribed' } }), NOW)).toBe(false);
  });
});

describe('segment membership', () => {
  it('reads snapshot.segments', () => {
    const inVip = compile({ type: 'segment', segment: 'seg_vip' });
    expect(inVip.matches(profile({ segments: new Set(['seg_vip']) }), NOW)).toBe(true);
    expect(inVip.matches(profile({ segments: new Set(['seg_other']) }), NOW)).toBe(false);
    expect(inVip.nextChangeAt(profile(), NOW)).toBeNull();
  });
});

describe('random_bucket', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `prof_${i.toString(36)}`);

  it('is FNV-1a 32 of UTF-8 "seed:profileId", modulo 100', () => {
    const encoder = new TextEncoder();
    for (const [seed, id] of [
      ['holdout-1', 'prof_1'],
      ['é-test', 'prof_日本'],
      ['emoji 🎉', 'p'],
    ] as const) {
      expect(randomBucket(seed, id)).toBe(fnv1a32(encoder.encode(`${seed}:${id}`)) % 100);
    }
    // The published FNV-1a test vector: "a" → 0xe40c292c.
    expect(fnv1a32(encoder.encode('a'))).toBe(0xe40c292c);
  });

  it('selects [from, to) of the buckets, about that share of profiles, stable across compiles', () => {
    const tenth = compile({ type: 'random_bucket', seed: 'holdout-1', from: 0, to: 10 });
    const again = compile({ type: 'random_bucket', seed: 'holdout-1', from: 0, to: 10 });
    const rest = compile({ type: 'random_bucket', seed: 'holdout-1', from: 10, to: 100 });
    const profiles = ids.map((id) => profile({ profileId: id }));
    const inTenth = profiles.map((p) => tenth.matches(p, NOW));
    expect(profiles.map((p) => again.matches(p, NOW))).toEqual(inTenth);
    expect(profiles.map((p) => !rest.matches(p, NOW))).toEqual(inTenth);
    const members = inTenth.filter(Boolean).length;
    expect(members / ids.length).toBeGreaterThan(0.09);
    expect(members / ids.length).toBeLessThan(0.11);
  });

  it('splits independently for different seeds', () => {
    const a = compile({ type: 'random_bucket', seed: 'a', from: 0, to: 50 });
    const b = compile({ type: 'random_bucket', seed: 'b', from: 0, to: 50 });
    const both = ids.filter(
      (id) => a.matches(profile({ profileId: id }), NOW) && b.matches(profile({ profileId: id }), NOW),
    );
    expect(both.length / ids.length).toBeGreaterThan(0.22);
    expect(both.length / ids.length).toBeLessThan(0.28);
  });
});
