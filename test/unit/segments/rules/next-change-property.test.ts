import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../../src/segments/rules/compile.js';
import { SEED_SEGMENTS } from '../../../../src/segments/rules/seed-segments.js';
import type { ProfileSnapshot } from '../../../../src/segments/rules/snapshot.js';
import { DAY, event, HOUR, NOW, profile, rule } from './fixtures.js';

/** A small deterministic generator, so a failure names a profile that can be rebuilt. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

function randomProfile(random: ReturnType<typeof generator>): ProfileSnapshot {
  const events = Array.from({ length: Math.floor(random.next() * 8) }, () =>
    event(
      random.pick(['Product Viewed', 'Order Completed', 'Email Opened']),
      // Mostly past, a few stamped in the future.
      NOW - Math.floor((random.next() * 1.1 - 0.05) * 100 * DAY),
      { category: random.pick(['Shoes', 'Hats']), product_id: random.pick(['SKU-123', 'SKU-9']) },
    ),
  );
  const latest = events.reduce((max, e) => Math.max(max, e.at), Number.NEGATIVE_INFINITY);
  return profile({
    events,
    lastEventAt: Number.isFinite(latest) ? latest : null,
    metrics: { frequency: Math.floor(random.next() * 5), monetary: random.next() * 400 },
    traits: { birthday: `1990-05-${String(15 + Math.floor(random.next() * 6)).padStart(2, '0')}` },
    cart:
      random.next() < 0.5
        ? {
            items: [{ productId: 'A', price: 70, quantity: 1 }],
            value: 70,
            updatedAt: NOW - random.next() * 8 * HOUR,
          }
        : {},
  });
}

/** Instants where some answer could flip: every event, cart and midnight boundary, and an hourly grid. */
function probeTimes(snapshot: ProfileSnapshot, until: number): number[] {
  const windows = [4 * HOUR, 24 * HOUR, 48 * HOUR, 3 * DAY, 7 * DAY, 15 * DAY, 30 * DAY, 90 * DAY, 0];
  const anchors = [...snapshot.events.map((e) => e.at), snapshot.cart.updatedAt ?? NOW];
  const times = new Set<number>();
  for (const anchor of anchors) for (const w of windows) times.add(anchor + w).add(anchor + w - 1);
  for (let t = NOW - (NOW % DAY); t < until; t += DAY) times.add(t).add(t - 1);
  for (let t = NOW + 1; t < until; t += HOUR) times.add(t);
  return [...times].filter((t) => t > NOW && t < until);
}

describe('nextChangeAt is never late', () => {
  const rules = [
    ...SEED_SEGMENTS.map((seed) => ({ name: seed.key, rule: seed.rule })),
    {
      name: 'any of groups with negation',
      rule: rule({
        type: 'any',
        children: [
          { type: 'not', child: { type: 'event', event: 'Email Opened', within: { last: 3, unit: 'days' } } },
          {
            type: 'all',
            children: [
              {
                type: 'event',
                event: 'Product Viewed',
                count: { op: 'between', value: [2, 3] },
                within: { last: 15, unit: 'days' },
              },
              { type: 'last_performed', event: 'Order Completed', before: { ago: 30, unit: 'days' } },
            ],
          },
        ],
      }),
    },
  ];

  it.each(rules)('$name: no flip between now and the predicted time', ({ rule: segmentRule }) => {
    const compiled = compileRule(segmentRule);
    const random = generator(segmentRule.type.length * 7919 + 17);
    const late: string[] = [];
    for (let i = 0; i < 150; i++) {
      const snapshot = randomProfile(random);
      const before = compiled.matches(snapshot, NOW);
      const next = compiled.nextChangeAt(snapshot, NOW);
      expect(next === null || next > NOW).toBe(true);
      const horizon = next ?? NOW + 200 * DAY;
      const flip = probeTimes(snapshot, horizon).find((t) => compiled.matches(snapshot, t) !== before);
      if (flip !== undefined) late.push(`profile ${i}: flips at ${flip}, predicted ${next}`);
    }
    expect(late).toEqual([]);
  });
});
