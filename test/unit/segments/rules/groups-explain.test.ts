import { describe, expect, it } from 'vitest';
import { compileRule, explainSegmentRule } from '../../../../src/segments/rules/compile.js';
import {
  changedConditions,
  decidingConditions,
  membershipReason,
} from '../../../../src/segments/rules/reason.js';
import { DAY, event, NOW, profile, rule } from './fixtures.js';

const frequent = { type: 'metric', metric: 'frequency', op: 'gt', value: 3 };
const subscribed = { type: 'consent', channel: 'email', status: 'subscribed' };
const boughtRecently = { type: 'event', event: 'Order Completed', within: { last: 10, unit: 'days' } };

describe('all / any / not', () => {
  const cases = [
    { frequency: 4, consent: 'subscribed', all: true, any: true },
    { frequency: 4, consent: 'unsubscribed', all: false, any: true },
    { frequency: 1, consent: 'subscribed', all: false, any: true },
    { frequency: 1, consent: 'never', all: false, any: false },
  ] as const;

  it.each(cases)('frequency $frequency, email $consent: all=$all any=$any', (c) => {
    const p = profile({ metrics: { frequency: c.frequency }, consent: { email: c.consent } });
    expect(compileRule(rule({ type: 'all', children: [frequent, subscribed] })).matches(p, NOW)).toBe(c.all);
    expect(compileRule(rule({ type: 'any', children: [frequent, subscribed] })).matches(p, NOW)).toBe(c.any);
    expect(
      compileRule(rule({ type: 'not', child: { type: 'all', children: [frequent, subscribed] } })).matches(
        p,
        NOW,
      ),
    ).toBe(!c.all);
  });
});

describe('nextChangeAt through groups', () => {
  const events = [event('Order Completed', NOW - 4 * DAY)];

  it('all, true: the first part to turn false', () => {
    const both = compileRule(rule({ type: 'all', children: [boughtRecently, frequent] }));
    expect(both.nextChangeAt(profile({ events, metrics: { frequency: 5 } }), NOW)).toBe(NOW + 6 * DAY);
  });

  it('all, false because of a part time cannot change: never', () => {
    const both = compileRule(rule({ type: 'all', children: [boughtRecently, frequent] }));
    expect(both.nextChangeAt(profile({ events, metrics: { frequency: 1 } }), NOW)).toBeNull();
  });

  it('all, false: not before the last false part can turn true', () => {
    const rule2 = compileRule(
      rule({
        type: 'all',
        children: [
          { type: 'not_event', event: 'Order Completed', within: { last: 10, unit: 'days' } },
          { type: 'not_event', event: 'Email Opened', within: { last: 20, unit: 'days' } },
        ],
      }),
    );
    const p = profile({ events: [...events, event('Email Opened', NOW - 2 * DAY)] });
    expect(rule2.nextChangeAt(p, NOW)).toBe(NOW + 18 * DAY);
    expect(rule2.matches(p, NOW + 18 * DAY)).toBe(true);
  });

  it('any mirrors all; not keeps its child time', () => {
    const either = compileRule(rule({ type: 'any', children: [boughtRecently, frequent] }));
    expect(either.nextChangeAt(profile({ events, metrics: { frequency: 1 } }), NOW)).toBe(NOW + 6 * DAY);
    expect(either.nextChangeAt(profile({ events, metrics: { frequency: 9 } }), NOW)).toBeNull();
    expect(either.nextChangeAt(profile({ metrics: { frequency: 1 } }), NOW)).toBeNull();
    const negated = compileRule(rule({ type: 'not', child: boughtRecently }));
    expect(negated.nextChangeAt(profile({ events }), NOW)).toBe(NOW + 6 * DAY);
  });
});

describe('explainSegmentRule', () => {
  const json = {
    type: 'all',
    children: [frequent, { type: 'not', child: subscribed }, boughtRecently],
  };

  it('mirrors the rule with a result, a detail and a path per node', () => {
    const explanation = explainSegmentRule(
      rule(json),
      profile({
        metrics: { frequency: 4 },
        consent: { email: 'subscribed' },
        events: [event('Order Completed', NOW - DAY)],
      }),
      NOW,
    );
    expect(explanation).toEqual({
      type: 'all',
      path: '$',
      result: false,
      detail: '2 of 3 conditions true; all required',
      children: [
        { type: 'metric', path: '$.children[0]', result: true, detail: 'frequency = 4 > 3' },
        {
          type: 'not',
          path: '$.children[1]',
          result: false,
          detail: 'the condition is true',
          children: [
            {
              type: 'consent',
              path: '$.children[1].child',
              result: true,
              detail: 'email consent = subscribed; wanted subscribed',
            },
          ],
        },
        {
          type: 'event',
          path: '$.children[2]',
          result: true,
          detail: `count of "Order Completed" in the last 10 days = 1 >= 1 (latest ${new Date(NOW - DAY).toISOString()})`,
        },
      ],
    });
  });

  it('agrees with the evaluator on every node type', () => {
    const everything = rule({
      type: 'any',
      children: [
        { type: 'trait', trait: 'first_name', op: 'eq', value: 'Ann' },
        { type: 'trait', trait: 'signup', op: 'within_last_days', value: 30 },
        { type: 'trait', trait: 'birthday', op: 'birthday_today' },
        { type: 'metric', metric: 'recency_days', op: 'lt', value: 5 },
        {
          type: 'event',
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
        },
        { type: 'not_event', event: 'Order Completed', within: { last: 30, unit: 'days' } },
        { type: 'last_performed', event: 'Order Completed', before: { ago: 30, unit: 'days' } },
        { type: 'cart', value: { op: 'gt', value: 50 }, notUpdatedWithin: { last: 4, unit: 'hours' } },
        { type: 'segment', segment: 'seg_vip' },
        { type: 'random_bucket', seed: 's', from: 0, to: 50 },
      ],
    });
    const p = profile({
      traits: { first_name: 'Bob', signup: NOW - 3 * DAY, birthday: '1990-05-17' },
      lastOrderAt: NOW - 40 * DAY,
      events: [event('Order Completed', NOW - 40 * DAY)],
      cart: { items: [{ productId: 'A', price: 60, quantity: 1 }], value: 60, updatedAt: NOW - DAY },
    });
    const compiled = compileRule(everything);
    const explanation = compiled.explain(p, NOW);
    expect(explanation.result).toBe(compiled.matches(p, NOW));
    const results = explanation.children?.map((c) => c.result);
    expect(results).toEqual([false, true, true, false, false, true, true, true, false, results?.[9]]);
    expect(explanation.children?.map((c) => c.detail)).toEqual([
      'first_name = "Bob" = "Ann"',
      'signup = 1747224000000 (3.0 days ago); wanted within the last 30 days',
      'birthday = "1990-05-17"; today is 2025-05-17 (UTC)',
      'recency_days = 40 < 5',
      'count of "Product Viewed" where category = "Shoes" ever = 0 >= 1',
      `no "Order Completed" in the last 30 days: found 0 (latest ${new Date(NOW - 40 * DAY).toISOString()})`,
      `last "Order Completed" at ${new Date(NOW - 40 * DAY).toISOString()} (40.0 days ago); wanted before 30 days ago`,
      'open cart with 1 line; cart value = 60 > 50; cart last updated 24.0 hours ago; wanted not within the last 4 hours',
      'not in segment seg_vip',
      expect.stringMatching(/^bucket \d+ for seed "s"; wanted 0 to 49$/),
    ]);
  });
});

describe('membership reasons', () => {
  const compiled = compileRule(rule({ type: 'all', children: [frequent, subscribed] }));
  const before = compiled.explain(profile({ metrics: { frequency: 4 }, consent: { email: 'never' } }), NOW);
  const after = compiled.explain(
    profile({ metrics: { frequency: 4 }, consent: { email: 'subscribed' } }),
    NOW,
  );

  it('names the top-level conditions that changed', () => {
    expect(changedConditions(before, after).map((c) => c.path)).toEqual(['$.children[1]']);
    expect(membershipReason(before, after)).toBe(
      'entered: $.children[1] email consent = subscribed; wanted subscribed',
    );
    expect(membershipReason(after, before)).toBe(
      'left: $.children[1] email consent = never; wanted subscribed',
    );
  });

  it('without a previous state, names the deciding conditions', () => {
    expect(decidingConditions(before).map((c) => c.path)).toEqual(['$.children[1]']);
    expect(decidingConditions(after).map((c) => c.path)).toEqual(['$.children[0]', '$.children[1]']);
    expect(membershipReason(undefined, before)).toBe(
      'left: $.children[1] email consent = never; wanted subscribed',
    );
    const either = compileRule(rule({ type: 'any', children: [frequent, subscribed] }));
    const explained = either.explain(profile({ metrics: { frequency: 9 } }), NOW);
    expect(decidingConditions(explained).map((c) => c.path)).toEqual(['$.children[0]']);
  });
});

describe('compileRule', () => {
  it('reads the rule once: editing the JSON object afterwards changes nothing', () => {
    const json = {
      type: 'all',
      children: [
        { type: 'metric', metric: 'frequency', op: 'gt', value: 3 },
        { type: 'event', event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 100 }] },
      ],
    };
    const compiled = compileRule(rule(json));
    const p = profile({
      metrics: { frequency: 4 },
      events: [event('Order Completed', NOW - DAY, { total: 120 })],
    });
    expect(compiled.matches(p, NOW)).toBe(true);
    json.children[0]!.value = 10;
    (json.children[1] as { event: string }).event = 'Other';
    json.children.length = 0;
    expect(compiled.matches(p, NOW)).toBe(true);
  });

  it('knows whether time alone can change a rule', () => {
    const timeDependent = (json: unknown) => compileRule(rule(json)).timeDependent;
    expect(timeDependent({ type: 'all', children: [frequent, subscribed] })).toBe(false);
    expect(timeDependent({ type: 'trait', trait: 'first_name', op: 'eq', value: 'Ann' })).toBe(false);
    expect(timeDependent({ type: 'cart', value: { op: 'gt', value: 50 } })).toBe(false);
    expect(timeDependent({ type: 'random_bucket', seed: 's', from: 0, to: 1 })).toBe(false);
    expect(timeDependent({ type: 'any', children: [frequent, { type: 'not', child: boughtRecently }] })).toBe(
      true,
    );
    expect(timeDependent({ type: 'metric', metric: 'recency_days', op: 'gt', value: 30 })).toBe(true);
    expect(timeDependent({ type: 'trait', trait: 'birthday', op: 'birthday_today' })).toBe(true);
    expect(timeDependent({ type: 'cart', notUpdatedWithin: { last: 1, unit: 'hours' } })).toBe(true);
  });

  it('refuses an unknown time zone when compiling', () => {
    expect(() => compileRule(rule(frequent), { timeZone: 'Nowhere/Else' })).toThrow(RangeError);
  });
});
