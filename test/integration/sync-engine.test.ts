import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncRuns } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { STALE_RUN_MS } from '../../src/sync/engine.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const person = (i: number, traits: Record<string, unknown> = {}): IngestRecord => ({
  source: 'crm',
  identifiers: { email: `p${i}@example.com` },
  traits: { first_name: `P${i}`, plan: i % 2 ? 'pro' : 'free', ...traits },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});

async function fileSync(definition: Record<string, unknown> = {}) {
  const connection = await (
    await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'file', name: 'export', config: { format: 'jsonl', fileName: 'people' } },
    })
  ).json();
  const res = await t.call('POST', '/v1/admin/syncs', {
    body: {
      name: 'to file',
      destinationId: connection.id,
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'FNAME' },
          { from: 'traits.plan', to: 'PLAN', transforms: [{ type: 'uppercase' }] },
          {
            from: 'metrics.orderCount',
            to: 'ORDERS',
            type: 'number',
            transforms: [{ type: 'default', value: 0 }],
          },
        ],
        pageSize: 10,
        ...definition,
      },
      schedule: '*/5 * * * *',
    },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(t.dataDir, 'files', 'exports', 'people.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function run(syncId: string, body: Record<string, unknown> = {}) {
  const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body });
  expect(res.status).toBe(200);
  return res.json();
}

describe('sync engine', () => {
  it('sends mapped profiles, then nothing when nothing changed, then only what changed', async () => {
    await ingest(
      t.deps,
      Array.from({ length: 25 }, (_, i) => person(i)),
    );
    const syncId = await fileSync();

    const first = await run(syncId);
    expect(first.result).toMatchObject({
      status: 'succeeded',
      counts: { scanned: 25, sent: 25, ok: 25, unchanged: 0 },
    });
    const written = await lines();
    expect(written).toHaveLength(25);
    expect(written.find((line) => line.email === 'p0@example.com')).toMatchObject({
      op: 'upsert',
      fields: { FNAME: 'P0', PLAN: 'FREE', ORDERS: 0 },
    });

    const second = await run(syncId);
    expect(second.result.counts).toMatchObject({ scanned: 25, sent: 0, unchanged: 25 });
    expect(await lines()).toHaveLength(25);

    await ingest(t.deps, [person(3, { first_name: 'Patricia' }), person(7, { plan: 'pro' })]);
    const third = await run(syncId);
    // p7 was already 'pro': only p3's payload changed.
    expect(third.result.counts).toMatchObject({ sent: 1, ok: 1, unchanged: 24 });
    expect((await lines()).at(-1)).toMatchObject({ email: 'p3@example.com', fields: { FNAME: 'Patricia' } });

    const history = await (await t.call('GET', `/v1/admin/syncs/${syncId}/runs`)).json();
    expect(history.items[0].progress).toMatchObject({ done: 25, total: 25, eta: null });
    expect(history.items[0].progress.ratePerSecond).toBeGreaterThan(0);
    expect((await (await t.call('GET', `/v1/admin/syncs/${syncId}/failures`)).json()).items).toEqual([]);
    expect(history.items.map((r: { counts: { sent: number } }) => r.counts.sent)).toEqual([1, 0, 25]);
  });

  it('reports in a dry run what it would send, without sending or remembering', async () => {
    await ingest(
      t.deps,
      Array.from({ length: 5 }, (_, i) => person(i)),
    );
    const syncId = await fileSync();
    const dry = await run(syncId, { dryRun: true });
    expect(dry.result.counts).toMatchObject({ scanned: 5, sent: 5 });
    expect(
      dry.result.samples.find((sample: { email: string }) => sample.email === 'p0@example.com'),
    ).toMatchObject({
      change: 'create_or_update',
      fields: { FNAME: 'P0' },
    });
    expect(await lines()).toEqual([]);
    expect((await run(syncId)).result.counts.sent).toBe(5);
  });

  it('refuses a second active run, and resumes an orphaned one from its checkpoint', async () => {
    await ingest(
      t.deps,
      Array.from({ length: 30 }, (_, i) => person(i)),
    );
    const syncId = await fileSync();
    // A run that crashed after its first page: running, stale heartbeat, checkpoint at the 10th profile.
    const ids = (
      await t.deps.db.query.profiles.findMany({ columns: { id: true }, orderBy: (p, { asc }) => [asc(p.id)] })
    ).map((p) => p.id);
    const now = Date.now();
    await t.deps.db.insert(syncRuns).values({
      id: 'run_crashed',
      syncId,
      status: 'running',
      dryRun: false,
      checkpoint: ids[9]!,
      counts: { scanned: 10, unchanged: 0, sent: 10, ok: 10, failed: 0, skipped: 0 },
      startedAt: new Date(now - 10 * 60_000),
      heartbeatAt: new Date(now - STALE_RUN_MS - 1000),
    });
    const resumed = await run(syncId);
    expect(resumed.run.id).toBe('run_crashed');
    expect(resumed.result.counts).toMatchObject({ scanned: 30, sent: 30 });
    // Only the 20 profiles after the checkpoint were sent by the resumed run.
    expect(await lines()).toHaveLength(20);

    await t.deps.db.insert(syncRuns).values({
      id: 'run_live',
      syncId,
      status: 'running',
      dryRun: false,
      counts: { scanned: 0, unchanged: 0, sent: 0, ok: 0, failed: 0, skipped: 0 },
      startedAt: new Date(),
      heartbeatAt: new Date(),
    });
    const busy = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body: {} });
    expect(busy.status).toBe(409);
  });

  it('validates a sync when it is saved, naming each bad field', async () => {
    const connection = await (
      await t.call('POST', '/v1/admin/connections', {
        body: { connectorId: 'csv', name: 'src', config: { content: 'email\na@b.co\n' } },
      })
    ).json();
    const res = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'bad',
        destinationId: connection.id,
        definition: {
          fields: [
            { from: 'metrics.nope', to: 'X' },
            { from: 'traits.a', to: 'x' },
          ],
        },
        schedule: '61 * * * *',
      },
    });
    expect(res.status).toBe(400);
    const paths = (await res.json()).error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual([
      'definition.fields.0.from',
      'definition.fields.1.to',
      'destinationId',
      'schedule',
    ]);
  });
});

describe('destination field names', () => {
  it('refuses a Mailchimp merge tag over 10 characters when the sync is saved, naming the field', async () => {
    const connection = await (
      await t.call('POST', '/v1/admin/connections', {
        body: { connectorId: 'mailchimp', name: 'mc', config: { apiKey: 'abc123-us21', listId: 'list1' } },
      })
    ).json();
    expect(connection.id).toMatch(/^conn_/);
    const res = await t.call('POST', '/v1/admin/syncs', {
      body: {
        name: 'mc sync',
        destinationId: connection.id,
        definition: {
          fields: [
            { from: 'traits.first_name', to: 'FNAME' },
            { from: 'metrics.totalSpent', to: 'LIFETIMEVALUE', type: 'number' },
          ],
        },
      },
    });
    expect(res.status).toBe(400);
    const details = (await res.json()).error.details;
    expect(details).toEqual([{ path: 'definition.fields.1.to', message: expect.stringContaining('10') }]);
  });
});
