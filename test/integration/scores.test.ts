import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { models, profileScores } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { recomputeScores } from '../../src/services/scores/recompute-scores.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { simulatedOrders } from './scores-fixtures.js';

let t: TestApp;
const NOW = new Date('2026-06-01T00:00:00Z');
beforeEach(async () => {
  t = await createTestApp();
  t.deps.now = () => NOW;
});
afterEach(async () => {
  await t.close();
});

describe('customer scores', () => {
  it('fits RFM, CLV, propensity and micro-segments and stores a score per buyer', async () => {
    const orders = simulatedOrders(600, NOW);
    for (let i = 0; i < orders.length; i += 500) await ingest(t.deps, orders.slice(i, i + 500));

    const summary = await recomputeScores(t.deps);
    expect(summary.scored).toBe(600);
    expect(summary.models.rfm.status).toBe('fitted');
    expect(summary.models.clv).toMatchObject({ status: 'fitted' });
    expect(summary.models.propensity.status).toBe('fitted');
    expect(summary.models.clusters.status).toBe('fitted');

    const rows = await t.deps.db.select().from(profileScores);
    expect(rows).toHaveLength(600);
    for (const row of rows) {
      expect(row.rfmR).toBeGreaterThanOrEqual(1);
      expect(row.rfmR).toBeLessThanOrEqual(5);
      expect(row.rfmGroup).toEqual(expect.any(String));
      expect(row.clv).toBeGreaterThanOrEqual(0);
      expect(['high', 'medium', 'low']).toContain(row.clvTier);
      expect(row.pAlive).toBeGreaterThan(0);
      expect(row.pAlive).toBeLessThanOrEqual(1);
      expect(row.propensity).toBeGreaterThan(0);
      expect(row.propensity).toBeLessThan(1);
      expect(row.clusterId).toMatch(/^c\d+$/);
    }
    // Tiers by rank: about a fifth high; the high tier's CLV is above every low one.
    const high = rows.filter((row) => row.clvTier === 'high');
    expect(high.length).toBeGreaterThan(100);
    expect(high.length).toBeLessThan(140);
    const lowMax = Math.max(...rows.filter((row) => row.clvTier === 'low').map((row) => row.clv!));
    expect(Math.min(...high.map((row) => row.clv!))).toBeGreaterThan(lowMax);

    const stored = await t.deps.db.select().from(models);
    const propensity = stored.find((model) => model.kind === 'propensity')!;
    expect(propensity.metrics).toMatchObject({ cvAuc: expect.any(Number) });
    // Better than a coin on simulated buy-till-you-die data.
    expect((propensity.metrics as { cvAuc: number }).cvAuc).toBeGreaterThan(0.6);
  });

  it('keeps cluster ids across a retrain on the same data', async () => {
    const orders = simulatedOrders(300, NOW, 7);
    for (let i = 0; i < orders.length; i += 500) await ingest(t.deps, orders.slice(i, i + 500));
    await recomputeScores(t.deps);
    const first = new Map(
      (await t.deps.db.select().from(profileScores)).map((row) => [row.profileId, row.clusterId]),
    );
    await recomputeScores(t.deps);
    const second = await t.deps.db.select().from(profileScores);
    const same = second.filter((row) => first.get(row.profileId) === row.clusterId).length;
    expect(same / second.length).toBeGreaterThan(0.95);
  });

  it('refuses to fit thin data, saying why, instead of storing noise', async () => {
    await ingest(t.deps, simulatedOrders(12, NOW, 3));
    const summary = await recomputeScores(t.deps);
    expect(summary.models.clv.status).toBe('refused');
    expect(summary.models.clv.message).toMatch(/at least \d+ customers/);
    expect(summary.models.clusters.status).toBe('refused');
    expect(summary.models.propensity.status).toBe('refused');
    // RFM is a ranking, meaningful at any size.
    expect(summary.models.rfm.status).toBe('fitted');
    const rows = await t.deps.db.select().from(profileScores);
    expect(rows.every((row) => row.clv === null && row.rfmR !== null)).toBe(true);
  });
});

describe('RFM settings', () => {
  it('scores quartiles as of a configured analysis date', async () => {
    const orders = simulatedOrders(200, NOW, 5);
    for (let i = 0; i < orders.length; i += 500) await ingest(t.deps, orders.slice(i, i + 500));
    const res = await t.call('PUT', '/v1/admin/settings/predictions', {
      body: { rfm: { bins: 4, analysisDate: '2026-07-01' } },
    });
    expect(res.status).toBe(200);
    const summary = await recomputeScores(t.deps);
    expect(summary.models.rfm.parameters).toEqual({ analysisDate: '2026-07-01', bins: 4 });
    const rows = await t.deps.db.select().from(profileScores);
    expect(new Set(rows.map((row) => row.rfmR))).toEqual(new Set([1, 2, 3, 4]));
    // Named groups are defined on quintiles only.
    expect(rows.every((row) => row.rfmGroup === null)).toBe(true);
  });
});
