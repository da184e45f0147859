import type { SegmentRule } from './schema.js';

/** A starting point an admin can copy and adjust; `placeholders` are the values meant to be edited. */
export interface SeedSegment {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly rule: SegmentRule;
  readonly placeholders?: readonly { path: string; meaning: string }[];
}

/** The segments of the seed data set, written in the rule language (docs/segment-rules.md). */
export const SEED_SEGMENTS = [
  {
    key: 'browsed_category',
    name: 'Browsed a category in the last 24 hours',
    description: 'Viewed at least one product of the category in the last 24 hours.',
    rule: {
      type: 'event',
      event: 'Product Viewed',
      where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
      within: { last: 24, unit: 'hours' },
    },
    placeholders: [{ path: '$.where[0].value', meaning: 'the category' }],
  },
  {
    key: 'abandoned_cart',
    name: 'Abandoned cart worth over $50',
    description: 'An open cart worth more than 50 that nobody has touched for 4 hours.',
    rule: { type: 'cart', value: { op: 'gt', value: 50 }, notUpdatedWithin: { last: 4, unit: 'hours' } },
  },
  {
    key: 'fading',
    name: 'Fading interest',
    description: 'Viewed a product in the past 7 days, but no interaction of any kind in the last 3 days.',
    rule: {
      type: 'all',
      children: [
        { type: 'event', event: 'Product Viewed', within: { last: 7, unit: 'days' } },
        { type: 'metric', metric: 'days_since_last_event', op: 'gte', value: 3 },
      ],
    },
  },
  {
    key: 'high_value_recent_buyers',
    name: 'High-value recent buyers',
    description: 'Bought in the last 15 days and spent more than 200 in total.',
    rule: {
      type: 'all',
      children: [
        { type: 'event', event: 'Order Completed', within: { last: 15, unit: 'days' } },
        { type: 'metric', metric: 'monetary', op: 'gt', value: 200 },
      ],
    },
  },
  {
    key: 'lapsed',
    name: 'Lapsed customers',
    description: 'Customers (at least one order) with no purchase in the last 90 days.',
    rule: {
      type: 'all',
      children: [
        { type: 'metric', metric: 'frequency', op: 'gte', value: 1 },
        { type: 'not_event', event: 'Order Completed', within: { last: 90, unit: 'days' } },
      ],
    },
  },
  {
    key: 'vip',
    name: 'VIP',
    description: 'More than 3 purchases in the last 30 days.',
    rule: {
      type: 'event',
      event: 'Order Completed',
      count: { op: 'gt', value: 3 },
      within: { last: 30, unit: 'days' },
    },
  },
  {
    key: 'birthday_today',
    name: 'Birthday today',
    description: "Today is the profile's birthday (29 February is celebrated on 28 February in other years).",
    rule: { type: 'trait', trait: 'birthday', op: 'birthday_today' },
  },
  {
    key: 'viewed_product_no_purchase',
    name: 'Viewed a product, no purchase',
    description: 'Viewed the product in the last 48 hours and bought nothing in the last 30 days.',
    rule: {
      type: 'all',
      children: [
        {
          type: 'event',
          event: 'Product Viewed',
          where: [{ property: 'product_id', op: 'eq', value: 'SKU-123' }],
          within: { last: 48, unit: 'hours' },
        },
        { type: 'not_event', event: 'Order Completed', within: { last: 30, unit: 'days' } },
      ],
    },
    placeholders: [{ path: '$.children[0].where[0].value', meaning: 'the product id' }],
  },
] as const satisfies readonly SeedSegment[];

export type SeedSegmentKey = (typeof SEED_SEGMENTS)[number]['key'];

export function seedSegment(key: SeedSegmentKey): SeedSegment {
  return SEED_SEGMENTS.find((seed) => seed.key === key)!;
}
