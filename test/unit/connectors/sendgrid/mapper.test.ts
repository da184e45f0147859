import { describe, expect, it } from 'vitest';
import {
  CUSTOM_FIELD_LIMIT,
  chunkBySize,
  fieldIndexOf,
  fieldNameFor,
  planFields,
  toContact,
} from '../../../../connectors/sendgrid/mapper.js';

const custom = [
  { id: 'e1_N', name: 'orders', field_type: 'Number' as const },
  { id: 'e2_D', name: 'Last_Order_At', field_type: 'Date' as const },
  { id: 'e3_T', name: 'tier', field_type: 'Text' as const },
];
const index = fieldIndexOf(custom);

describe('planFields', () => {
  it('sorts specs into top-level, existing, to create and reserved, with the budget', () => {
    const plan = planFields(
      custom,
      ['first_name', 'email', 'phone_number'],
      [
        { key: 'first_name', label: 'First name', type: 'text' },
        { key: 'orders', label: 'Orders', type: 'number' },
        { key: 'last_order_at', label: 'Last order', type: 'date' },
        { key: 'tier', label: 'Tier', type: 'number' },
        { key: 'rfm.score', label: 'RFM', type: 'number' },
        { key: 'vip', label: 'VIP', type: 'boolean' },
        { key: 'phone_number', label: 'Phone', type: 'text' },
      ],
    );
    expect(plan.fields.map((f) => [f.destinationKey, f.action])).toEqual([
      ['first_name', { kind: 'top_level' }],
      ['orders', { kind: 'existing', id: 'e1_N', fieldType: 'Number' }],
      ['Last_Order_At', { kind: 'existing', id: 'e2_D', fieldType: 'Date' }],
      ['tier', { kind: 'existing', id: 'e3_T', fieldType: 'Text', typeMismatch: { wanted: 'Number' } }],
      ['rfm_score', { kind: 'create', fieldType: 'Number' }],
      ['vip', { kind: 'create', fieldType: 'Text' }],
      ['phone_number', { kind: 'conflict', reason: expect.stringContaining('reserved') }],
    ]);
    expect(plan.budget).toEqual({ used: 3, limit: CUSTOM_FIELD_LIMIT, afterPlan: 5 });
  });

  it('counts a name once when two keys fold to it', () => {
    const plan = planFields(
      [],
      [],
      [
        { key: 'a-b', label: 'x', type: 'text' },
        { key: 'a.b', label: 'y', type: 'text' },
      ],
    );
    expect(plan.budget.afterPlan).toBe(1);
  });
});

describe('fieldNameFor', () => {
  it('folds to letters, digits and underscores, never starting with a digit', () => {
    expect(fieldNameFor('rfm.score')).toBe('rfm_score');
    expect(fieldNameFor('90d_spend')).toBe('_90d_spend');
    expect(fieldNameFor('x'.repeat(150))).toHaveLength(100);
  });
});

describe('toContact', () => {
  it('puts reserved fields at the top level and custom ones under their ids, typed', () => {
    const mapped = toContact(
      {
        profileId: 'p1',
        email: ' Ada@Example.COM ',
        fields: { first_name: 'Ada', orders: '3', last_order_at: '2024-04-30', tier: 7, gone: null },
      },
      index,
    );
    expect(mapped).toEqual({
      contact: {
        email: 'ada@example.com',
        first_name: 'Ada',
        custom_fields: { e1_N: '3', e2_D: '2024-04-30', e3_T: '7' },
      },
    });
  });

  it.each([
    [{ email: undefined, fields: {} }, 'email'],
    [{ email: 'not-an-email', fields: {} }, 'email'],
    [{ email: 'a@b.co', fields: { orders: 'many' } }, 'orders'],
    [{ email: 'a@b.co', fields: { last_order_at: 'yesterday' } }, 'last_order_at'],
    [{ email: 'a@b.co', fields: { unknown_field: 'x' } }, 'unknown_field'],
    [{ email: 'a@b.co', fields: { first_name: 'x'.repeat(51) } }, 'first_name'],
    [{ email: 'a@b.co', fields: { tier: { nested: true } } }, 'tier'],
    [{ email: 'a@b.co', fields: { constructor: 'x' } }, 'constructor'],
  ])('refuses %j, naming the field', (record, field) => {
    const mapped = toContact({ profileId: 'p', ...(record as object) } as never, index);
    expect(mapped).toMatchObject({ problem: { field } });
  });
});

describe('chunkBySize', () => {
  it('splits by count', () => {
    const chunks = chunkBySize([1, 2, 3, 4, 5], { maxCount: 2, maxBytes: 1000, overheadBytes: 10 });
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('splits by serialized UTF-8 bytes, envelope included', () => {
    const item = 'é'.repeat(10); // 20 bytes of UTF-8, 22 as JSON, 23 with its comma
    const chunks = chunkBySize([item, item, item], {
      maxCount: 100,
      maxBytes: 10 + 23 * 2,
      overheadBytes: 10,
    });
    expect(chunks.map((c) => c.length)).toEqual([2, 1]);
  });

  it('refuses an item that could never fit', () => {
    expect(() => chunkBySize(['x'.repeat(100)], { maxCount: 10, maxBytes: 50, overheadBytes: 10 })).toThrow(
      RangeError,
    );
  });
});
