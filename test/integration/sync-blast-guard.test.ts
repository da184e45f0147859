import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncFingerprints } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The blast guard end to end: real engine, real Mailchimp connector, the fake ESP counting every
 * write. A run that would blank a field on most contacts must stop before its first write, say
 * what tripped it, and wait; confirm lets it write, cancel ends it with nothing written.
 */
let t: TestApp;
let esp: FakeEsp;
beforeEach(async () => {
  t = await createTestApp();
  esp = await startFakeEsp();
});
afterEach(async () => {
  await esp.close();
  await t.close();
});

const N = 30;
const person = (i: number, plan: string | null = i % 2 ? 'pro' : 'free'): IngestRecord => ({
  source: 'crm',
  identifiers: { email: `p${i}@example.com` },
  traits: { first_name: `P${i}`, plan },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});
/** The CRM clears `plan` for the first `count` people. */
const clearPlans = (count: number) =>
  ingest(
    t.deps,
    Array.from({ length: count }, (_, i) => person(i, null)),
  );

async function syncWithGuard(blastGuard: Record<string, unknown> = { minCount: 5 }): Promise<string> {
  const connection = await t.call('POST', '/v1/admin/connections', {
    body: {
      connectorId: 'mailchimp',
      name: 'fake audience',
      config: { apiKey: esp.apiKey, baseUrl: esp.baseUrl, listId: esp.listId },
    },
  });
  expect(connection.status).toBe(201);
  const res = await t.call('POST', '/v1/admin/syncs', {
    body: {
      name: 'guarded',
      destinationId: (await connection.json()).id,
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'FNAME' },
          { from: 'traits.plan', to: 'PLAN' },
        ],
        pageSize: 10,
        blastGuard,
      },
    },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function run(syncId: string, body: Record<string, unknown> = {}) {
  const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body });
  expect(res.status).toBe(200);
  return res.json();
}

/** A sync delivered once to the ESP, then most of its contacts about to lose their PLAN. */
async function deliveredThenBlanked(blanked: number, blastGuard?: Record<string, unknown>) {
  await ingest(
    t.deps,
    Array.from({ length: N }, (_, i) => person(i)),
  );
  const syncId = await syncWithGuard(blastGuard);
  expect((await run(syncId)).result).toMatchObject({ status: 'succeeded', counts: { ok: N } });
  await clearPlans(blanked);
  esp.resetCounters();
  return syncId;
}

describe('blast guard', () => {
  it('stops a run that would blank a field on most contacts, with 0 writes, until confirmed', async () => {
    const syncId = await deliveredThenBlanked(25);

    const stopped = await run(syncId);
    expect(stopped.result.status).toBe('awaiting_confirmation');
    expect(stopped.run).toMatchObject({
      status: 'awaiting_confirmation',
      guard: {
        phase: 'tripped',
        contacts: N,
        blanked: { PLAN: 25 },
        tripped: [{ kind: 'blanked_field', name: 'PLAN', count: 25, of: N, maxShare: 0.2 }],
      },
    });
    expect(esp.counters.requests).toBe(0);
    expect(esp.member('p0@example.com')!.mergeFields.PLAN).toBe('free');

    // It holds the sync's active slot: another trigger is refused and says why.
    const again = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body: {} });
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain('waiting for confirmation');
    expect(esp.counters.requests).toBe(0);

    const confirmed = await t.call('POST', `/v1/admin/sync-runs/${stopped.run.id}/confirm?wait=true`);
    expect(confirmed.status).toBe(200);
    const done = await confirmed.json();
    expect(done.result).toMatchObject({ status: 'succeeded', counts: { sent: 25, ok: 25 } });
    expect(done.run).toMatchObject({
      id: stopped.run.id,
      status: 'succeeded',
      guard: { phase: 'confirmed' },
    });
    expect(esp.counters.memberWrites).toBe(25);
    expect(esp.member('p0@example.com')!.mergeFields.PLAN).toBe('');
    expect(esp.member('p29@example.com')!.mergeFields.PLAN).toBe('pro');

    // Confirming twice is a conflict, not a second run.
    expect((await t.call('POST', `/v1/admin/sync-runs/${stopped.run.id}/confirm`)).status).toBe(409);
  });

  it('writes nothing when the stopped run is cancelled, and stops the next run again', async () => {
    const syncId = await deliveredThenBlanked(25);
    const stopped = await run(syncId);
    expect(stopped.result.status).toBe('awaiting_confirmation');
    const printsBefore = await t.deps.db
      .select()
      .from(syncFingerprints)
      .where(eq(syncFingerprints.syncId, syncId));

    const cancelled = await t.call('POST', `/v1/admin/sync-runs/${stopped.run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(esp.counters.requests).toBe(0);
    expect(esp.member('p0@example.com')!.mergeFields.PLAN).toBe('free');
    // Nothing was remembered as delivered: the next run sees the same blanking and stops again.
    expect(
      await t.deps.db.select().from(syncFingerprints).where(eq(syncFingerprints.syncId, syncId)),
    ).toEqual(printsBefore);
    expect((await run(syncId)).result.status).toBe('awaiting_confirmation');
    expect(esp.counters.requests).toBe(0);

    const audit = await (await t.call('GET', '/v1/admin/audit-log?entityType=sync_run')).json();
    expect(audit.items.map((item: { action: string }) => item.action)).toContain('sync_run.cancel');
  });

  it('runs straight through below the threshold', async () => {
    // 3 of 30 is 10 %, under the 20 % default share.
    const syncId = await deliveredThenBlanked(3, { minCount: 1 });
    const result = (await run(syncId)).result;
    expect(result).toMatchObject({ status: 'succeeded', counts: { sent: 3, ok: 3, unchanged: N - 3 } });
    expect(esp.counters.memberWrites).toBe(3);

    // Nothing changed since: the pre-pass finds nothing to send and the run ends there, unwritten.
    esp.resetCounters();
    const rerun = await run(syncId);
    expect(rerun.result).toMatchObject({
      status: 'succeeded',
      counts: { scanned: N, unchanged: N, sent: 0 },
    });
    expect(rerun.run.guard).toMatchObject({ phase: 'cleared', seen: { changed: 0 } });
    expect(esp.counters.requests).toBe(0);
  });

  it('does not hold up a sync whose counts stay under the minimum, whatever the share', async () => {
    // Default minCount (100): blanking every one of 30 contacts is not a blast worth stopping for.
    const syncId = await deliveredThenBlanked(N, {});
    expect((await run(syncId)).result).toMatchObject({ status: 'succeeded', counts: { ok: N } });
    expect(esp.counters.memberWrites).toBe(N);
  });

  it('reports in a dry run what the guard would make of the run', async () => {
    const syncId = await deliveredThenBlanked(25);
    const dry = await run(syncId, { dryRun: true });
    expect(dry.result.blast).toMatchObject({
      contacts: N,
      blanked: { PLAN: 25 },
      wouldTrip: [{ kind: 'blanked_field', name: 'PLAN', count: 25 }],
    });
    expect(esp.counters.requests).toBe(0);
  });
});
