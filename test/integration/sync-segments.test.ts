import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const NOW = new Date('2026-01-10T00:00:00Z');
const buyer = (i: number, total: number): IngestRecord => ({
  source: 'shop',
  identifiers: { email: `p${i}@example.com` },
  traits: { first_name: `P${i}` },
  observedAt: NOW,
  event: {
    messageId: `o${i}-${total}`,
    type: 'track',
    name: 'Order Completed',
    properties: { order_id: `o${i}-${total}`, total },
  },
});

async function segment(name: string, rule: unknown, extra: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/admin/segments?wait=true', { body: { name, rule, ...extra } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
async function fileConnection() {
  const res = await t.call('POST', '/v1/admin/connections', {
    body: { connectorId: 'file', name: 'export', config: { format: 'jsonl', fileName: 'people' } },
  });
  return ((await res.json()) as { id: string }).id;
}
async function run(syncId: string) {
  const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`);
  expect(res.status).toBe(200);
  return (await res.json()) as { result: { status: string; counts: Record<string, number> } };
}
async function fileLines(name: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(t.dataDir, 'files', 'exports', name), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('syncs driven by segments', () => {
  it('adds segment members to a list, then in mirror mode takes out whoever left', async () => {
    await ingest(t.deps, [buyer(1, 300), buyer(2, 50), buyer(3, 400)]);
    const big = await segment('Big spenders', { type: 'metric', metric: 'monetary', op: 'gt', value: 200 });
    const destinationId = await fileConnection();
    const created = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'lists',
        destinationId,
        definition: {
          mode: 'mirror',
          fields: [
            { from: 'traits.first_name', to: 'FNAME' },
            { from: `segments.${big}`, to: 'BIG', type: 'boolean' },
            { from: 'scores.rfm_group', to: 'RFM' },
          ],
          lists: [{ segment: big, list: 'vip' }],
        },
      },
    });
    expect(created.status).toBe(201);
    const syncId = ((await created.json()) as { id: string }).id;

    const first = await run(syncId);
    expect(first.result).toMatchObject({ status: 'succeeded', counts: { ok: 3, listAdded: 2 } });
    const people = await fileLines('people.jsonl');
    expect(people.find((line) => line.email === 'p1@example.com')).toMatchObject({ fields: { BIG: true } });
    expect(people.find((line) => line.email === 'p2@example.com')).toMatchObject({ fields: { BIG: false } });
    const membership = await fileLines('people.vip.membership.jsonl');
    expect(membership.map((line) => [line.op, line.email]).sort()).toEqual([
      ['add', 'p1@example.com'],
      ['add', 'p3@example.com'],
    ]);

    // No change: no list call at all.
    const again = await run(syncId);
    expect(again.result.counts).toMatchObject({ listAdded: 0, listRemoved: 0 });
    expect(await fileLines('people.vip.membership.jsonl')).toHaveLength(2);

    // p3 is refunded below the threshold (simulated by a trait-free rule change: raise the bar).
    await t.call('PUT', `/v1/admin/segments/${big}?wait=true`, {
      body: { name: 'Big spenders', rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 350 } },
    });
    const third = await run(syncId);
    expect(third.result.counts).toMatchObject({ listAdded: 0, listRemoved: 1 });
    const after = await fileLines('people.vip.membership.jsonl');
    expect(after.at(-1)).toMatchObject({ op: 'remove', email: 'p1@example.com', list: 'vip' });
  });

  it('upsert mode only adds; a segment source limits the sync to its members', async () => {
    await ingest(t.deps, [buyer(1, 300), buyer(2, 50)]);
    const big = await segment('Big', { type: 'metric', metric: 'monetary', op: 'gt', value: 200 });
    const destinationId = await fileConnection();
    const created = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'only big',
        destinationId,
        definition: { source: { segment: big }, fields: [{ from: 'traits.first_name', to: 'FNAME' }] },
      },
    });
    const syncId = ((await created.json()) as { id: string }).id;
    const first = await run(syncId);
    expect(first.result.counts).toMatchObject({ scanned: 1, ok: 1 });
    expect((await fileLines('people.jsonl')).map((line) => line.email)).toEqual(['p1@example.com']);
  });

  it('primary segment per group as a merge field', async () => {
    await ingest(t.deps, [buyer(1, 300), buyer(2, 50)]);
    await segment(
      'Any buyer',
      { type: 'metric', metric: 'frequency', op: 'gte', value: 1 },
      { groupName: 'life', priority: 1 },
    );
    await segment(
      'Big buyer',
      { type: 'metric', metric: 'monetary', op: 'gt', value: 200 },
      { groupName: 'life', priority: 9 },
    );
    const destinationId = await fileConnection();
    const created = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'primary',
        destinationId,
        definition: { fields: [{ from: 'primary_segment.life', to: 'LIFECYCLE' }] },
      },
    });
    const syncId = ((await created.json()) as { id: string }).id;
    await run(syncId);
    const people = await fileLines('people.jsonl');
    expect(
      Object.fromEntries(
        people.map((line) => [line.email, (line.fields as Record<string, unknown>).LIFECYCLE]),
      ),
    ).toEqual({
      'p1@example.com': 'Big buyer',
      'p2@example.com': 'Any buyer',
    });
  });

  it('refuses a sync naming an unknown segment or score, with the field path', async () => {
    const destinationId = await fileConnection();
    const res = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'bad',
        destinationId,
        definition: {
          fields: [
            { from: 'segments.seg_nope', to: 'X' },
            { from: 'scores.karma', to: 'Y' },
          ],
          lists: [{ segment: 'seg_missing', list: 'vip' }],
        },
      },
    });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { details: Array<{ path: string }> } }).error.details.map(
      (detail) => detail.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['definition.fields.1.from']));

    const unknown = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'bad2',
        destinationId,
        definition: {
          source: { segment: 'seg_gone' },
          fields: [{ from: 'segments.seg_nope', to: 'X' }],
          lists: [{ segment: 'seg_missing', list: 'vip' }],
        },
      },
    });
    expect(unknown.status).toBe(400);
    const details = (
      (await unknown.json()) as { error: { details: Array<{ path: string; message: string }> } }
    ).error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        { path: 'definition.source.segment', message: 'segment seg_gone does not exist' },
        { path: 'definition.lists.0.segment', message: 'segment seg_missing does not exist' },
        { path: 'definition.fields.0.from', message: 'segment seg_nope does not exist' },
      ]),
    );
  });
});

describe('blast guard on list removals', () => {
  it('a run that would empty a list waits for confirmation, then removes', async () => {
    await ingest(
      t.deps,
      Array.from({ length: 150 }, (_, i) => buyer(i, 300)),
    );
    const big = await segment('Big spenders', { type: 'metric', metric: 'monetary', op: 'gt', value: 200 });
    const destinationId = await fileConnection();
    const created = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'guarded',
        destinationId,
        definition: {
          mode: 'mirror',
          fields: [{ from: 'traits.first_name', to: 'FNAME' }],
          lists: [{ segment: big, list: 'vip' }],
        },
      },
    });
    const syncId = ((await created.json()) as { id: string }).id;
    expect((await run(syncId)).result.counts).toMatchObject({ listAdded: 150 });

    await t.call('PUT', `/v1/admin/segments/${big}?wait=true`, {
      body: { name: 'Big spenders', rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 1000 } },
    });
    const stopped = await run(syncId);
    expect(stopped.result.status).toBe('awaiting_confirmation');
    expect(JSON.stringify(stopped)).toContain('removed_from_list');
    expect(await fileLines('people.vip.membership.jsonl')).toHaveLength(150);

    const runId = (stopped as unknown as { run: { id: string } }).run.id;
    const confirmed = await t.call('POST', `/v1/admin/sync-runs/${runId}/confirm?wait=true`);
    expect(confirmed.status).toBe(200);
    const lines = await fileLines('people.vip.membership.jsonl');
    expect(lines.filter((line) => line.op === 'remove')).toHaveLength(150);
  });
});

describe('recommendations as merge fields', () => {
  it('writes REC1_TITLE, REC1_URL, … from the precomputed lists, in stock only, global when none', async () => {
    const [first, second] = await ingest(t.deps, [buyer(1, 30), buyer(2, 40)]);
    const p1 = first!.status === 'stored' ? first!.profileId : '';
    const now = new Date();
    await t.deps.db.insert(schema.products).values([
      {
        id: 'tent',
        title: 'Tent',
        url: 'https://shop.example/tent',
        imageUrl: 'https://img/tent.jpg',
        price: 199,
        currency: 'EUR',
        updatedAt: now,
      },
      {
        id: 'stove',
        title: 'Stove',
        url: 'https://shop.example/stove',
        price: 49,
        currency: 'EUR',
        inStock: false,
        updatedAt: now,
      },
      {
        id: 'mug',
        title: 'Mug',
        url: 'https://shop.example/mug?c=1',
        price: 9,
        currency: 'EUR',
        updatedAt: now,
      },
    ]);
    await t.deps.db.insert(schema.profileRecommendations).values({
      profileId: p1,
      items: [
        { productId: 'stove', score: 3 },
        { productId: 'tent', score: 2 },
        { productId: 'mug', score: 1 },
      ],
      level: 'personal',
      confidence: 0.9,
      computedAt: now,
    });
    await t.deps.db.insert(schema.recommendationLists).values({
      key: 'global',
      items: [{ productId: 'mug', score: 5 }],
      support: 10,
      computedAt: now,
    });
    const destinationId = await fileConnection();
    const created = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'recs',
        destinationId,
        definition: {
          fields: [
            { from: 'recs.1.title', to: 'REC1_TITLE' },
            { from: 'recs.1.url', to: 'REC1_URL' },
            { from: 'recs.1.price', to: 'REC1_PRICE', type: 'number' },
            { from: 'recs.2.title', to: 'REC2_TITLE' },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    await run(((await created.json()) as { id: string }).id);
    const byEmail = Object.fromEntries(
      (await fileLines('people.jsonl')).map((line) => [line.email, line.fields]),
    );
    expect(byEmail['p1@example.com']).toMatchObject({
      REC1_TITLE: 'Tent',
      REC1_PRICE: 199,
      REC2_TITLE: 'Mug',
      REC1_URL: expect.stringMatching(/^https:\/\/shop\.example\/tent\?utm_/),
    });
    expect(byEmail['p2@example.com']).toMatchObject({ REC1_TITLE: 'Mug', REC2_TITLE: null });
    expect(second!.status).toBe('stored');

    const tooMany = await t.call('POST', '/v1/admin/syncs', {
      body: { name: 'recs2', destinationId, definition: { fields: [{ from: 'recs.21.title', to: 'X' }] } },
    });
    expect(tooMany.status).toBe(400);
  });
});
