import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../../src/segments/rules/compile.js';
import { METRIC_NAMES, METRICS } from '../../../../src/segments/rules/metrics.js';
import { DAY, HOUR, NOW, profile, rule } from './fixtures.js';

const metricRule = (metric: string, op: string, value?: unknown) =>
  compileRule(
    rule(value === undefined ? { type: 'metric', metric, op } : { type: 'metric', metric, op, value }),
  );

describe('metric: stored values', () => {
  it('compares number metrics', () => {
    const frequent = metricRule('frequency', 'gt', 3);
    expect(frequent.matches(profile({ metrics: { frequency: 4 } }), NOW)).toBe(true);
    expect(frequent.matches(profile({ metrics: { frequency: 3 } }), NOW)).toBe(false);
    expect(frequent.matches(profile({ metrics: { frequency: null } }), NOW)).toBe(false);
    expect(frequent.matches(profile(), NOW)).toBe(false);
    expect(
      metricRule('p_alive', 'between', [0.2, 0.5]).matches(profile({ metrics: { p_alive: 0.5 } }), NOW),
    ).toBe(true);
    expect(metricRule('clv', 'exists').matches(profile({ metrics: { clv: 0 } }), NOW)).toBe(true);
    expect(metricRule('clv', 'not_exists').matches(profile({ metrics: { clv: null } }), NOW)).toBe(true);
  });

  it('compares text metrics case-insensitively', () => {
    const champions = metricRule('rfm_group', 'eq', 'Champions');
    expect(champions.matches(profile({ metrics: { rfm_group: 'champions' } }), NOW)).toBe(true);
    expect(champions.matches(profile({ metrics: { rfm_group: 'At Risk' } }), NOW)).toBe(false);
    const tiers = metricRule('clv_tier', 'in', ['high', 'medium']);
    expect(tiers.matches(profile({ metrics: { clv_tier: 'medium' } }), NOW)).toBe(true);
    expect(tiers.matches(profile({ metrics: { clv_tier: 'low' } }), NOW)).toBe(false);
    expect(metricRule('cluster', 'neq', '3').matches(profile({ metrics: { cluster: 3 } }), NOW)).toBe(false);
  });

  it('stored metrics never change with time alone', () => {
    expect(
      metricRule('frequency', 'gt', 3).nextChangeAt(profile({ metrics: { frequency: 9 } }), NOW),
    ).toBeNull();
  });

  it('lists every metric with its kind', () => {
    expect(METRIC_NAMES).toHaveLength(18);
    expect(METRICS.clv_tier.kind).toBe('string');
    expect(METRICS.recency_days).toMatchObject({ kind: 'number', clock: 'lastOrderAt' });
  });
});

describe('metric: clock metrics count whole days from the snapshot timestamps', () => {
  it('recency_days is the whole days since lastOrderAt', () => {
    const lapsed = metricRule('recency_days', 'gte', 90);
    expect(lapsed.matches(profile({ lastOrderAt: NOW - 90 * DAY }), NOW)).toBe(true);
    expect(lapsed.matches(profile({ lastOrderAt: NOW - 90 * DAY + 1 }), NOW)).toBe(false);
    expect(lapsed.matches(profile({ lastOrderAt: null }), NOW)).toBe(false);
    expect(metricRule('recency_days', 'not_exists').matches(profile(), NOW)).toBe(true);
    const explained = lapsed.explain(profile({ lastOrderAt: NOW - 90.5 * DAY }), NOW);
    expect(explained.detail).toBe('recency_days = 90 >= 90');
  });

  it('says exactly when a threshold is crossed', () => {
    const lastEventAt = NOW - 30 * HOUR;
    const quiet = profile({ lastEventAt });
    // gte 3: 1 day now, 3 days at lastEventAt + 3 days.
    expect(metricRule('days_since_last_event', 'gte', 3).nextChangeAt(quiet, NOW)).toBe(
      lastEventAt + 3 * DAY,
    );
    // lt 2.5: true until the day count reaches 3.
    expect(metricRule('days_since_last_event', 'lt', 2.5).nextChangeAt(quiet, NOW)).toBe(
      lastEventAt + 3 * DAY,
    );
    // eq 1 (true now): false once 2 days have passed.
    expect(metricRule('days_since_last_event', 'eq', 1).nextChangeAt(quiet, NOW)).toBe(lastEventAt + 2 * DAY);
    // between 5 and 7: becomes true at 5, the first change.
    expect(metricRule('days_since_last_event', 'between', [5, 7]).nextChangeAt(quiet, NOW)).toBe(
      lastEventAt + 5 * DAY,
    );
    // lte 0 is already false and only gets more false; gt 0 already true for good.
    expect(metricRule('days_since_last_event', 'lte', 0).nextChangeAt(quiet, NOW)).toBeNull();
    expect(metricRule('days_since_last_event', 'gt', 0).nextChangeAt(quiet, NOW)).toBeNull();
    expect(metricRule('days_since_last_event', 'gt', 0).nextChangeAt(profile(), NOW)).toBeNull();
  });

  it('the predicted instant is where the answer really flips', () => {
    const rule90 = metricRule('recency_days', 'gt', 90);
    const buyer = profile({ lastOrderAt: NOW - 10 * DAY - 5 * HOUR });
    const at = rule90.nextChangeAt(buyer, NOW)!;
    expect(rule90.matches(buyer, at - 1)).toBe(false);
    expect(rule90.matches(buyer, at)).toBe(true);
  });
});
