import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { refreshDueSegments } from '../../src/segments/engine/due-checks.js';
import { seedSegment } from '../../src/segments/rules/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let clock = new Date('2026-05-10T12:00:00Z').getTime();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
beforeEach(async () => {
  clock = new Date('2026-05-10T12:00:00Z').getTime();
  t = await createTestApp();
  t.deps.now = () => new Date(clock);
});
afterEach(async () => {
  await t.close();
});

let seq = 0;
const track = (
  email: string,
  name: string,
  properties: Record<string, unknown>,
  at: number,
): IngestRecord => ({
  source: 'web',
  identifiers: { email },
  observedAt: new Date(at),
  event: { messageId: `m${++seq}`, type: 'track', name, properties },
});

// Loose on purpose: the tests read whichever of the segment or the error envelope came back.
interface Answer {
  id: string;
  status: string;
  version: number;
  warnings?: unknown;
  error: { details: Array<{ path: string; message: string }> };
}
async function createSegment(body: Record<string, unknown>) {
  const response = await t.call('POST', '/v1/admin/segments?wait=true', { body });
  return { status: response.status, body: (await response.json()) as Answer };
}
async function members(segmentId: string): Promise<string[]> {
  const response = await t.call('GET', `/v1/admin/segments/${segmentId}/members?limit=1000`);
  const body = (await response.json()) as { items: Array<{ profileId: string }> };
  return body.items.map((item) => item.profileId);
}

describe('segments through the admin API', () => {
  it('computes members of a new segment, then keeps them live as events arrive', async () => {
    const [viewer] = await ingest(t.deps, [
      track('a@x.com', 'Product Viewed', { category: 'Shoes' }, clock - 2 * HOUR),
    ]);
    await ingest(t.deps, [track('b@x.com', 'Product Viewed', { category: 'Hats' }, clock - 2 * HOUR)]);
    const created = await createSegment({
      name: 'Shoe browsers',
      rule: seedSegment('browsed_category').rule,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'ready', version: 1 });
    const viewerId = viewer!.status === 'stored' ? viewer!.profileId : '';
    expect(await members(created.body.id)).toEqual([viewerId]);

    // Incremental: b views shoes now and is a member as soon as ingest returns.
    const [b] = await ingest(t.deps, [track('b@x.com', 'Product Viewed', { category: 'Shoes' }, clock)]);
    const bId = b!.status === 'stored' ? b!.profileId : '';
    expect((await members(created.body.id)).sort()).toEqual([viewerId, bId].sort());

    // Time-based exit: 24 hours after a's view, the scheduled check takes a out, with a reason.
    clock += 22 * HOUR + 1;
    expect(await refreshDueSegments(t.deps)).toBeGreaterThan(0);
    expect(await members(created.body.id)).toEqual([bId]);
    const history = await t.call('GET', `/v1/admin/segments/${created.body.id}/history?profile=${viewerId}`);
    const items = ((await history.json()) as { items: Array<{ change: string; reason: string }> }).items;
    // The first population is no change of anyone's membership: a's history starts with leaving.
    expect(items.map((item) => item.change)).toEqual(['left']);
    expect(items[0]!.reason).toMatch(/^left: /);
    const bHistory = await t.call('GET', `/v1/admin/segments/${created.body.id}/history?profile=${bId}`);
    const bItems = ((await bHistory.json()) as { items: Array<{ change: string; reason: string }> }).items;
    expect(bItems).toEqual([
      expect.objectContaining({
        change: 'entered',
        reason: expect.stringMatching(/^entered: .*Product Viewed/),
      }),
    ]);
  });

  it('explains why a profile is in or out, condition by condition', async () => {
    const [p] = await ingest(t.deps, [
      track('c@x.com', 'Order Completed', { order_id: 'o1', total: 250 }, clock - 5 * DAY),
    ]);
    const profileId = p!.status === 'stored' ? p!.profileId : '';
    const created = await createSegment({ name: 'HV', rule: seedSegment('high_value_recent_buyers').rule });
    const response = await t.call(
      'GET',
      `/v1/admin/segments/${created.body.id}/explain?profile=${profileId}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { explanation: { result: boolean }; nextChangeAt: string };
    expect(body).toMatchObject({ inSegment: true, member: { enteredAt: expect.any(String) } });
    expect(body.explanation.result).toBe(true);
    expect(JSON.stringify(body.explanation)).toContain('monetary');
    // It leaves when the order slides out of the 15-day window.
    expect(body.nextChangeAt).toBe(new Date(clock + 10 * DAY).toISOString());
  });

  it('previews a rule without saving and reports overlap between segments', async () => {
    for (let i = 0; i < 6; i++) {
      await ingest(t.deps, [
        track(
          `p${i}@x.com`,
          'Order Completed',
          { order_id: `o${i}`, total: 60 * (i + 1) },
          clock - (i * 40 + 1) * DAY,
        ),
      ]);
    }
    const preview = await t.call('POST', '/v1/admin/segments/preview', {
      body: { rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 200 } },
    });
    expect(await preview.json()).toMatchObject({ count: 3, scanned: 6, sample: expect.any(Array) });
    expect((await t.call('GET', '/v1/admin/segments')).status).toBe(200);

    const big = await createSegment({
      name: 'Big',
      rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 200 },
    });
    const lapsed = await createSegment({ name: 'Lapsed', rule: seedSegment('lapsed').rule });
    const overlap = await t.call('POST', '/v1/admin/segments/overlap', {
      body: { segments: [big.body.id, lapsed.body.id] },
    });
    const body = (await overlap.json()) as {
      segments: Array<{ id: string; size: number }>;
      pairs: unknown[];
    };
    const sizes = Object.fromEntries(body.segments.map((s) => [s.id, s.size]));
    expect(sizes[big.body.id]).toBe(3);
    // Orders 1, 41, 81, 121, 161, 201 days ago: lapsed are the last three, all of them big spenders.
    expect(sizes[lapsed.body.id]).toBe(3);
    expect(body.pairs).toEqual([expect.objectContaining({ intersection: 3, jaccard: 1 })]);
  });

  it('segment membership as a condition, with cycles refused', async () => {
    const base = await createSegment({
      name: 'Buyers',
      rule: { type: 'metric', metric: 'frequency', op: 'gte', value: 1 },
    });
    const derived = await createSegment({
      name: 'Engaged buyers',
      rule: {
        type: 'all',
        children: [
          { type: 'segment', segment: base.body.id },
          { type: 'metric', metric: 'engagement', op: 'gt', value: 0 },
        ],
      },
    });
    expect(derived.status).toBe(201);
    const cycle = await t.call('PUT', `/v1/admin/segments/${base.body.id}`, {
      body: { name: 'Buyers', rule: { type: 'segment', segment: derived.body.id } },
    });
    expect(cycle.status).toBe(400);
    expect(JSON.stringify(await cycle.json())).toMatch(/refer to themselves/);
    const self = await t.call('PUT', `/v1/admin/segments/${base.body.id}`, {
      body: { name: 'Buyers', rule: { type: 'segment', segment: base.body.id } },
    });
    expect(self.status).toBe(400);
    expect((await t.call('DELETE', `/v1/admin/segments/${base.body.id}`)).status).toBe(409);
  });

  it('bad rules answer 400 with the path of the bad node; unknown events only warn', async () => {
    const badMetric = await createSegment({
      name: 'x',
      rule: { type: 'all', children: [{ type: 'metric', metric: 'nope', op: 'gt', value: 1 }] },
    });
    expect(badMetric.status).toBe(400);
    const fields = badMetric.body.error.details;
    expect(fields[0]!.path).toBe('rule.children[0].metric');
    expect(fields[0]!.message).toMatch(/recency_days|frequency/);

    const warned = await createSegment({ name: 'y', rule: { type: 'event', event: 'Never Seen Event' } });
    expect(warned.status).toBe(201);
    expect(JSON.stringify(warned.body.warnings)).toContain('Never Seen Event');
  });
});

describe('primary segment per group', () => {
  it('is the member segment of highest priority in the group', async () => {
    const { primarySegments } = await import('../../src/services/segments/primary.js');
    const [p] = await ingest(t.deps, [
      track('g@x.com', 'Order Completed', { order_id: 'g1', total: 80 }, clock - DAY),
    ]);
    const profileId = p!.status === 'stored' ? p!.profileId : '';
    const loyal = await createSegment({
      name: 'Loyal',
      groupName: 'lifecycle',
      priority: 1,
      rule: { type: 'metric', metric: 'frequency', op: 'gte', value: 1 },
    });
    await createSegment({
      name: 'Big basket',
      groupName: 'lifecycle',
      priority: 5,
      rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 1000 },
    });
    expect((await primarySegments(t.deps, [profileId])).get(profileId)?.get('lifecycle')).toEqual({
      id: loyal.body.id,
      name: 'Loyal',
    });
    await createSegment({
      name: 'Recent buyer',
      groupName: 'lifecycle',
      priority: 10,
      rule: { type: 'event', event: 'Order Completed', within: { last: 7, unit: 'days' } },
    });
    expect((await primarySegments(t.deps, [profileId])).get(profileId)?.get('lifecycle')?.name).toBe(
      'Recent buyer',
    );
  });
});
