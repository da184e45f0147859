import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncRuns } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { CRON_SCHEDULES } from '../../src/scheduler/crons.js';
import { runScheduled } from '../../src/scheduler/jobs.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The scheduler's sync step under a time budget, as on Workers. A budget of 0 ms is spent as soon
 * as a tick has done one page, so each tick does exactly one page (no clock involved): the run is
 * left paused with its checkpoint, and the next tick resumes it, until every profile has been
 * delivered once.
 */
let t: TestApp;
let esp: FakeEsp;
beforeEach(async () => {
  t = await createTestApp({ syncTimeBudgetMs: 0 });
  esp = await startFakeEsp({ rate5xx: 0.1, seed: 5 });
});
afterEach(async () => {
  await esp.close();
  await t.close();
});

const N = 35;
const PAGE = 10;
const person = (i: number, plan: string | null = 'pro'): IngestRecord => ({
  source: 'crm',
  identifiers: { email: `p${i}@example.com` },
  traits: { first_name: `P${i}`, plan },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});

async function everyMinuteSync(): Promise<string> {
  const connection = await t.call('POST', '/v1/admin/connections', {
    body: {
      connectorId: 'mailchimp',
      name: 'fake audience',
      config: { apiKey: esp.apiKey, baseUrl: esp.baseUrl, listId: esp.listId },
    },
  });
  const res = await t.call('POST', '/v1/admin/syncs', {
    body: {
      name: 'every minute',
      destinationId: (await connection.json()).id,
      schedule: '* * * * *',
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'FNAME' },
          { from: 'traits.plan', to: 'PLAN' },
        ],
        pageSize: PAGE,
        retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5 },
        blastGuard: { minCount: 5 },
      },
    },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

const tick = () => runScheduled(t.deps, CRON_SCHEDULES.syncsDue);
const runsOf = (syncId: string) =>
  t.deps.db.select().from(syncRuns).where(eq(syncRuns.syncId, syncId)).orderBy(syncRuns.startedAt);

describe('sync runs under a time budget (Workers)', () => {
  it('pauses after a page with its checkpoint and finishes over several ticks, each profile once', async () => {
    await ingest(
      t.deps,
      Array.from({ length: N }, (_, i) => person(i)),
    );
    const syncId = await everyMinuteSync();

    await tick();
    const [first] = await runsOf(syncId);
    expect(first).toMatchObject({ status: 'paused', counts: { scanned: PAGE, ok: PAGE } });
    expect(first!.checkpoint).not.toBeNull();
    expect(first!.finishedAt).toBeNull();
    expect(esp.memberCount()).toBe(PAGE);

    // Four pages (10 + 10 + 10 + 5), one per tick; the fifth tick finds no page left and finishes.
    for (let i = 0; i < 4; i++) await tick();
    const runs = await runsOf(syncId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      id: first!.id,
      status: 'succeeded',
      counts: { scanned: N, ok: N, sent: N },
    });
    expect(esp.memberCount()).toBe(N);
    // Resumed, never restarted: every member written by exactly one accepted request.
    expect([...esp.members()].every((member) => member.writes === 1)).toBe(true);
    expect(esp.counters.memberWrites).toBe(N);
  });

  it('lets an admin trigger resume a paused run instead of starting another', async () => {
    await ingest(
      t.deps,
      Array.from({ length: N }, (_, i) => person(i)),
    );
    const syncId = await everyMinuteSync();
    await tick();
    const [paused] = await runsOf(syncId);
    const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body: {} });
    expect(res.status).toBe(200);
    // Same run, one more page within its budget, paused again for the next tick.
    expect(await res.json()).toMatchObject({
      run: { id: paused!.id, status: 'paused', progress: { done: 2 * PAGE, total: N } },
      result: { status: 'paused', counts: { scanned: 2 * PAGE } },
    });
    expect(await runsOf(syncId)).toHaveLength(1);
  });

  it('spreads the blast guard pre-pass over ticks too, then waits for confirmation', async () => {
    await ingest(
      t.deps,
      Array.from({ length: N }, (_, i) => person(i)),
    );
    const syncId = await everyMinuteSync();
    for (let i = 0; i < 5; i++) await tick();
    expect((await runsOf(syncId)).at(-1)).toMatchObject({ status: 'succeeded' });

    await ingest(
      t.deps,
      Array.from({ length: N }, (_, i) => person(i, null)),
    );
    esp.resetCounters();
    await tick();
    const checking = (await runsOf(syncId)).at(-1)!;
    expect(checking).toMatchObject({ status: 'paused', checkpoint: null, guard: { phase: 'checking' } });
    for (let i = 0; i < 4; i++) await tick();
    const stopped = (await runsOf(syncId)).at(-1)!;
    expect(stopped).toMatchObject({
      id: checking.id,
      status: 'awaiting_confirmation',
      guard: { phase: 'tripped', contacts: N, blanked: { PLAN: N } },
    });
    // Ticks leave a run awaiting confirmation alone and start no other.
    await tick();
    expect(await runsOf(syncId)).toHaveLength(2);
    expect(esp.counters.requests).toBe(0);
  });
});
