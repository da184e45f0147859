import { describe, expect, it } from 'vitest';
import {
  findCycle,
  segmentDependencies,
  segmentEvaluationOrder,
} from '../../../../src/segments/rules/dependencies.js';
import { DAY_MS, HOUR_MS } from '../../../../src/segments/rules/limits.js';
import { requirementsOf } from '../../../../src/segments/rules/requirements.js';
import type { SegmentRule } from '../../../../src/segments/rules/schema.js';
import { rule } from './fixtures.js';

const refersTo = (...ids: string[]): SegmentRule =>
  rule({
    type: 'any',
    children: [
      { type: 'consent', channel: 'email', status: 'never' },
      ...ids.map((segment) => ({ type: 'segment', segment })),
    ],
  });

describe('segment dependencies and cycles', () => {
  it('lists referenced segments once, in order, at any depth', () => {
    const nested = rule({
      type: 'all',
      children: [
        { type: 'segment', segment: 'seg_b' },
        {
          type: 'not',
          child: {
            type: 'any',
            children: [
              { type: 'segment', segment: 'seg_a' },
              { type: 'segment', segment: 'seg_b' },
            ],
          },
        },
      ],
    });
    expect(segmentDependencies(nested)).toEqual(['seg_b', 'seg_a']);
    expect(segmentDependencies(refersTo())).toEqual([]);
  });

  it('finds a direct self-reference', () => {
    const rules: Record<string, SegmentRule> = { seg_a: refersTo('seg_a') };
    expect(findCycle('seg_a', (id) => rules[id])).toEqual(['seg_a', 'seg_a']);
  });

  it('finds an indirect cycle through the segment being saved', () => {
    const rules: Record<string, SegmentRule> = {
      seg_a: refersTo('seg_x', 'seg_b'),
      seg_b: refersTo('seg_c'),
      seg_c: refersTo('seg_a'),
      seg_x: refersTo(),
    };
    expect(findCycle('seg_a', (id) => rules[id])).toEqual(['seg_a', 'seg_b', 'seg_c', 'seg_a']);
    expect(findCycle('seg_b', (id) => rules[id])).toEqual(['seg_b', 'seg_c', 'seg_a', 'seg_b']);
  });

  it('finds no cycle in a diamond, or through unknown ids', () => {
    const rules: Record<string, SegmentRule> = {
      seg_top: refersTo('seg_left', 'seg_right'),
      seg_left: refersTo('seg_bottom'),
      seg_right: refersTo('seg_bottom', 'seg_deleted'),
      seg_bottom: refersTo(),
    };
    expect(findCycle('seg_top', (id) => rules[id])).toBeNull();
    expect(
      segmentEvaluationOrder(['seg_top', 'seg_right', 'seg_bottom', 'seg_left'], (id) => rules[id]),
    ).toEqual(['seg_bottom', 'seg_left', 'seg_right', 'seg_top']);
  });

  it('evaluation order refuses a cycle', () => {
    const rules: Record<string, SegmentRule> = { seg_a: refersTo('seg_b'), seg_b: refersTo('seg_a') };
    expect(() => segmentEvaluationOrder(['seg_a', 'seg_b'], (id) => rules[id])).toThrow(/cycle/);
  });
});

describe('requirementsOf', () => {
  it('collects what the loader must fetch, with the longest look-back per event name', () => {
    const requirements = requirementsOf([
      rule({
        type: 'all',
        children: [
          { type: 'trait', trait: 'birthday', op: 'birthday_today' },
          { type: 'metric', metric: 'monetary', op: 'gt', value: 200 },
          { type: 'metric', metric: 'recency_days', op: 'lt', value: 30 },
          {
            type: 'event',
            event: 'Product Viewed',
            where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
            within: { last: 24, unit: 'hours' },
          },
          { type: 'not_event', event: 'Order Completed', within: { last: 30, unit: 'days' } },
        ],
      }),
      rule({
        type: 'any',
        children: [
          {
            type: 'event',
            event: 'Product Viewed',
            where: [{ property: 'product_id', op: 'eq', value: 'SKU-1' }],
            within: { last: 48, unit: 'hours' },
          },
          { type: 'last_performed', event: 'Email Opened', after: { ago: 14, unit: 'days' } },
          { type: 'last_performed', event: 'Email Clicked', before: { ago: 14, unit: 'days' } },
          { type: 'event', event: 'Signed Up' },
          { type: 'cart', value: { op: 'gt', value: 50 } },
          { type: 'consent', channel: 'sms', status: 'subscribed' },
          { type: 'consent', channel: 'email', status: 'subscribed' },
          { type: 'segment', segment: 'seg_vip' },
          { type: 'trait', trait: 'first_name', op: 'exists' },
        ],
      }),
      rule({ type: 'event', event: 'Order Completed', within: { last: 15, unit: 'days' } }),
    ]);
    expect(requirements).toEqual({
      traits: ['birthday', 'first_name'],
      metrics: ['monetary', 'recency_days'],
      clocks: ['lastOrderAt'],
      events: [
        { name: 'Email Clicked', lookbackMs: null, properties: [] },
        { name: 'Email Opened', lookbackMs: 14 * DAY_MS, properties: [] },
        { name: 'Order Completed', lookbackMs: 30 * DAY_MS, properties: [] },
        { name: 'Product Viewed', lookbackMs: 48 * HOUR_MS, properties: ['category', 'product_id'] },
        { name: 'Signed Up', lookbackMs: null, properties: [] },
      ],
      cart: true,
      consent: ['email', 'sms'],
      segments: ['seg_vip'],
    });
  });

  it('needs nothing for rules that read only the profile id', () => {
    expect(requirementsOf([rule({ type: 'random_bucket', seed: 's', from: 0, to: 5 })])).toEqual({
      traits: [],
      metrics: [],
      clocks: [],
      events: [],
      cart: false,
      consent: [],
      segments: [],
    });
  });
});
