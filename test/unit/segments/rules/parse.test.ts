import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../../src/segments/rules/metrics.js';
import { parseSegmentRule } from '../../../../src/segments/rules/parse.js';

function issuesOf(json: unknown, root?: string) {
  const parsed = parseSegmentRule(json, root ? { root } : {});
  if (parsed.ok) throw new Error('expected the rule to be rejected');
  return parsed.issues;
}

const viewed = { type: 'event', event: 'Product Viewed', within: { last: 7, unit: 'days' } };

describe('parseSegmentRule: valid rules', () => {
  it('accepts every node type and returns the typed rule', () => {
    const json = {
      type: 'all',
      children: [
        { type: 'trait', trait: 'first_name', op: 'eq', value: 'Ann' },
        { type: 'trait', trait: 'signup', op: 'within_last_days', value: 30 },
        { type: 'trait', trait: 'birthday', op: 'birthday_today' },
        { type: 'trait', trait: 'age', op: 'between', value: [18, 65] },
        { type: 'metric', metric: 'frequency', op: 'gt', value: 3 },
        { type: 'metric', metric: 'clv_tier', op: 'in', value: ['high', 'medium'] },
        {
          type: 'event',
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
          count: { op: 'gte', value: 2 },
          within: { last: 24, unit: 'hours' },
        },
        { type: 'not_event', event: 'Order Completed', within: { last: 30, unit: 'days' } },
        { type: 'last_performed', event: 'Order Completed', before: { ago: 30, unit: 'days' } },
        { type: 'last_performed', event: 'Order Completed', after: { date: '2025-01-01' } },
        { type: 'cart', value: { op: 'gt', value: 50 }, notUpdatedWithin: { last: 4, unit: 'hours' } },
        { type: 'consent', channel: 'email', status: 'subscribed' },
        { type: 'segment', segment: 'seg_vip' },
        { type: 'random_bucket', seed: 'holdout-1', from: 0, to: 10 },
        { type: 'not', child: { type: 'any', children: [viewed] } },
      ],
    };
    const parsed = parseSegmentRule(json);
    expect(parsed).toEqual({ ok: true, rule: json, warnings: [] });
  });
});

describe('parseSegmentRule: issues at JSON paths', () => {
  it('reports a bad window length under its path', () => {
    const json = {
      type: 'all',
      children: [
        viewed,
        viewed,
        { type: 'event', event: 'Product Viewed', within: { last: -2, unit: 'days' } },
      ],
    };
    expect(issuesOf(json)).toEqual([
      { path: '$.children[2].within.last', message: 'expected a positive integer' },
    ]);
  });

  it('prefixes paths with the rule position in the request body', () => {
    const json = {
      type: 'all',
      children: [{ type: 'event', event: 'X', within: { last: 1.5, unit: 'days' } }],
    };
    expect(issuesOf(json, '$.rule')).toEqual([
      { path: '$.rule.children[0].within.last', message: 'expected a positive integer' },
    ]);
  });

  it('names an unknown metric and lists the known ones', () => {
    const [issue, ...rest] = issuesOf({
      type: 'any',
      children: [{ type: 'metric', metric: 'lifetime_value', op: 'gt', value: 1 }],
    });
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('$.children[0].metric');
    expect(issue?.message).toContain('unknown metric "lifetime_value"');
    for (const name of METRIC_NAMES) expect(issue?.message).toContain(name);
  });

  it('rejects an unknown node type and an unknown operator, listing the allowed ones', () => {
    expect(issuesOf({ type: 'every', children: [] })).toEqual([
      {
        path: '$.type',
        message:
          'unknown type "every"; expected one of: all, any, not, trait, metric, event, not_event, last_performed, cart, consent, segment, random_bucket',
      },
    ]);
    const [issue] = issuesOf({ type: 'trait', trait: 'x', op: 'like', value: 'a' });
    expect(issue?.path).toBe('$.op');
    expect(issue?.message).toMatch(/^unknown op "like"; expected one of: eq, neq, in, not_in, /);
  });

  it('rejects misspelt fields instead of dropping them', () => {
    expect(issuesOf({ type: 'event', event: 'X', whithin: { last: 1, unit: 'days' } })).toEqual([
      { path: '$', message: 'unknown field: whithin' },
    ]);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'exists', value: 1 })).toEqual([
      { path: '$', message: 'unknown field: value' },
    ]);
  });

  it('checks values against the operator', () => {
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'gt' })).toEqual([
      { path: '$.value', message: 'required' },
    ]);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'in', value: [] })).toEqual([
      { path: '$.value', message: 'expected at least one value' },
    ]);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'between', value: [5, 1] })).toEqual([
      { path: '$.value', message: 'the low bound is above the high bound' },
    ]);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'between', value: [1, 'b'] })).toEqual([
      { path: '$.value', message: 'both bounds must be numbers, or both strings' },
    ]);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'within_last_days', value: 4000 })).toEqual([
      { path: '$.value', message: 'at most 3650 days' },
    ]);
    expect(issuesOf({ type: 'trait', trait: '', op: 'exists' })).toEqual([
      { path: '$.trait', message: 'expected a non-empty string' },
    ]);
  });

  it('checks metric values against the metric', () => {
    expect(issuesOf({ type: 'metric', metric: 'frequency', op: 'eq', value: 'four' })).toEqual([
      { path: '$.value', message: 'frequency is a number; expected a number' },
    ]);
    expect(issuesOf({ type: 'metric', metric: 'rfm_group', op: 'gt', value: 'Champions' })).toEqual([
      { path: '$.op', message: 'rfm_group is a text metric; use eq, neq, in, not_in, exists or not_exists' },
    ]);
    expect(issuesOf({ type: 'metric', metric: 'clv_tier', op: 'in', value: ['high', 'gold'] })).toEqual([
      { path: '$.value[1]', message: 'expected one of: high, medium, low' },
    ]);
  });

  it('checks event, cart, consent, bucket and time-bound fields', () => {
    expect(
      issuesOf({
        type: 'event',
        event: 'X',
        count: { op: 'gte', value: -1 },
        within: { last: 2, unit: 'weeks' },
      }),
    ).toEqual([
      { path: '$.count.value', message: 'expected a whole number' },
      { path: '$.within.unit', message: 'expected one of: minutes, hours, days' },
    ]);
    expect(
      issuesOf({ type: 'event', event: 'X', where: [{ property: 'p', op: 'gt', value: true }] }),
    ).toEqual([{ path: '$.where[0].value', message: 'expected a number or a string' }]);
    expect(issuesOf({ type: 'cart', updatedWithin: { last: 100_000, unit: 'hours' } })).toEqual([
      { path: '$.updatedWithin.last', message: 'window longer than 3650 days' },
    ]);
    expect(issuesOf({ type: 'consent', channel: 'fax', status: 'subscribed' })).toEqual([
      { path: '$.channel', message: 'expected one of: email, sms, push' },
    ]);
    expect(issuesOf({ type: 'random_bucket', seed: 's', from: 10, to: 10 })).toEqual([
      { path: '$.to', message: 'expected to > from' },
    ]);
    expect(issuesOf({ type: 'last_performed', event: 'X' })).toEqual([
      { path: '$', message: 'expected before, after or both' },
    ]);
    expect(issuesOf({ type: 'last_performed', event: 'X', before: { ago: 3 } })).toEqual([
      { path: '$.before.unit', message: 'required with ago' },
    ]);
    expect(issuesOf({ type: 'last_performed', event: 'X', after: { date: '2025-02-30' } })).toEqual([
      { path: '$.after.date', message: 'expected an ISO 8601 date, e.g. "2024-05-01"' },
    ]);
    expect(issuesOf({ type: 'last_performed', event: 'X', after: { date: '2025-02-03', ago: 1 } })).toEqual([
      { path: '$.after', message: 'expected either { ago, unit } or { date }' },
    ]);
  });

  it('rejects empty groups and non-objects', () => {
    expect(issuesOf({ type: 'any', children: [] })).toEqual([
      { path: '$.children', message: 'expected at least one condition' },
    ]);
    expect(issuesOf({ type: 'not' })).toEqual([{ path: '$.child', message: 'required' }]);
    expect(issuesOf({ type: 'not', child: 3 })).toEqual([
      { path: '$.child', message: 'expected a condition: an object with a type' },
    ]);
    expect(issuesOf({ type: 'any', children: [[]] })).toEqual([
      { path: '$.children[0]', message: 'expected a condition: an object with a type' },
    ]);
    expect(issuesOf('all')).toEqual([{ path: '$', message: 'expected a condition: an object with a type' }]);
    expect(issuesOf({ children: [] })).toEqual([
      {
        path: '$.type',
        message:
          'required; one of: all, any, not, trait, metric, event, not_event, last_performed, cart, consent, segment, random_bucket',
      },
    ]);
  });

  it('reports several issues at once', () => {
    const issues = issuesOf({
      type: 'all',
      children: [
        { type: 'metric', metric: 'nope', op: 'gt', value: 1 },
        { type: 'consent', channel: 'email', status: 'maybe' },
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual(['$.children[0].metric', '$.children[1].status']);
  });
});

describe('parseSegmentRule: limits', () => {
  const nest = (depth: number): unknown =>
    depth === 1 ? { type: 'segment', segment: 'seg_x' } : { type: 'not', child: nest(depth - 1) };

  it('allows 12 levels and reports the first node below them', () => {
    expect(parseSegmentRule(nest(12)).ok).toBe(true);
    expect(issuesOf(nest(13))).toEqual([
      { path: `$${'.child'.repeat(12)}`, message: 'nested deeper than 12 levels' },
    ]);
  });

  it('refuses absurd nesting without recursing into it', () => {
    const issues = issuesOf(nest(5000));
    expect(issues[0]).toEqual({ path: `$${'.child'.repeat(12)}`, message: 'nested deeper than 12 levels' });
  });

  it('caps list values and property conditions', () => {
    const values = Array.from({ length: 1001 }, (_, i) => `v${i}`);
    expect(issuesOf({ type: 'trait', trait: 'x', op: 'in', value: values })).toEqual([
      { path: '$.value', message: 'at most 1000 values' },
    ]);
    const where = Array.from({ length: 21 }, () => ({ property: 'p', op: 'exists' }));
    expect(issuesOf({ type: 'event', event: 'E', where })).toEqual([
      { path: '$.where', message: 'at most 20 property conditions' },
    ]);
  });

  it('reports more than 200 nodes, together with other issues', () => {
    const children = Array.from({ length: 200 }, () => ({ type: 'segment', segment: 'seg_x' }));
    expect(parseSegmentRule({ type: 'any', children: children.slice(1) }).ok).toBe(true);
    const issues = issuesOf({
      type: 'any',
      children: [...children, { type: 'event', event: 'X', within: { last: 3651, unit: 'days' } }],
    });
    expect(issues).toEqual([
      { path: '$.children[200].within.last', message: 'window longer than 3650 days' },
      { path: '$', message: '202 conditions; at most 200' },
    ]);
  });
});

describe('parseSegmentRule: warnings', () => {
  const knownEventNames = new Set(['Product Viewed', 'Order Completed']);

  it('warns about event names not received yet, without rejecting the rule', () => {
    const parsed = parseSegmentRule(
      {
        type: 'any',
        children: [
          viewed,
          { type: 'not_event', event: 'Wishlist Added' },
          { type: 'last_performed', event: 'order completed', before: { ago: 1, unit: 'days' } },
        ],
      },
      { knownEventNames, root: '$.rule' },
    );
    expect(parsed.ok && parsed.warnings).toEqual([
      { path: '$.rule.children[1].event', message: 'no event named "Wishlist Added" has been received yet' },
      {
        path: '$.rule.children[2].event',
        message:
          'no event named "order completed" has been received yet; did you mean "Order Completed"? (names are case-sensitive)',
      },
    ]);
  });

  it('gives no warnings without a list of known names', () => {
    const parsed = parseSegmentRule({ type: 'event', event: 'Anything' });
    expect(parsed.ok && parsed.warnings).toEqual([]);
  });
});
