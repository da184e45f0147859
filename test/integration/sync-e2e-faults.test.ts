import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identities, syncFailures } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * End to end through the real engine, the real Mailchimp connector and real HTTP: a fake ESP that
 * answers 429 with Retry-After, 5xx (single and in a burst), drops connections before and after
 * applying a write, and refuses one address per record. The final state at the ESP must be exactly
 * the mapped profiles, the refused address must be a recorded failure with the ESP's reason, and
 * a rerun with nothing changed must not write any good profile again.
 */
let t: TestApp;
let esp: FakeEsp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await esp?.close();
  await t.close();
});

const N = 60;
const BAD = 'nobody@example.invalid';
const person = (i: number): IngestRecord => ({
  source: 'crm',
  identifiers: { email: `p${i}@example.com` },
  traits: { first_name: `P${i}`, plan: i % 3 ? 'free' : 'pro', score: i * 7 },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});
const expectedFields = (i: number) => ({ FNAME: `P${i}`, PLAN: i % 3 ? 'FREE' : 'PRO', SCORE: i * 7 });

async function mailchimpSync(): Promise<string> {
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
      name: 'to the fake ESP',
      destinationId: (await connection.json()).id,
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'FNAME' },
          { from: 'traits.plan', to: 'PLAN', transforms: [{ type: 'uppercase' }] },
          { from: 'traits.score', to: 'SCORE', type: 'number' },
        ],
        // Several pages, so faults land on different pages and batches.
        pageSize: 10,
        // Real backoff, kept small so the test does not sleep for seconds.
        retry: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 20 },
      },
    },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function run(syncId: string) {
  const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body: {} });
  expect(res.status).toBe(200);
  return (await res.json()).result;
}

describe('sync end to end against a faulty ESP', () => {
  it('delivers every good profile once in effect, records the refused one, and rewrites nothing on a rerun', async () => {
    esp = await startFakeEsp({
      // Scripted so every kind of fault happens in every run of the test, then random noise on top.
      plan: ['429', null, '503', '503', 'reset', null, 'reset_after_write', null, '500', '429'],
      // A two-request outage every 9 requests, and 10% random failures: harsh, but never six
      // failures in a row for one batch (maxAttempts), which would rightly leave it for the next run.
      burst5xx: { every: 9, length: 2 },
      rate429: 0.05,
      rate5xx: 0.05,
      // Mailchimp sends whole seconds; scaled down so the test does not wait seconds per 429.
      retryAfterSeconds: 0.02,
      seed: 7,
    });
    await ingest(t.deps, [
      ...Array.from({ length: N }, (_, i) => person(i)),
      {
        source: 'crm',
        identifiers: { email: BAD },
        traits: { first_name: 'Nobody', plan: 'free', score: 0 },
        observedAt: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
    const syncId = await mailchimpSync();

    const first = await run(syncId);
    expect(first).toMatchObject({ status: 'succeeded', counts: { scanned: N + 1, ok: N, failed: 1 } });
    expect(esp.counters.rateLimited).toBeGreaterThanOrEqual(2);
    expect(esp.counters.serverErrors).toBeGreaterThanOrEqual(3);
    expect(esp.counters.resets).toBeGreaterThanOrEqual(2);

    // The ESP's final state is exactly the mapped profiles: none missing, none extra, right fields.
    expect(esp.memberCount()).toBe(N);
    for (let i = 0; i < N; i++) {
      const member = esp.member(`p${i}@example.com`);
      expect(member, `p${i}`).toBeDefined();
      expect(member!.mergeFields).toEqual(expectedFields(i));
      expect(member!.status).toBe('subscribed');
    }
    expect(esp.member(BAD)).toBeUndefined();
    // Only a write the ESP applied but never answered (the connection dropped after it) is sent
    // again; upserts make that harmless. Everything else was written exactly once.
    const twice = [...esp.members()].filter((member) => member.writes > 1);
    expect(twice.length).toBeLessThanOrEqual(10);
    expect([...esp.members()].every((member) => member.writes <= 2)).toBe(true);

    const [bad] = await t.deps.db
      .select({ id: identities.profileId })
      .from(identities)
      .where(eq(identities.value, BAD));
    const failures = await t.deps.db.select().from(syncFailures).where(eq(syncFailures.syncId, syncId));
    expect(failures).toHaveLength(1);
    expect(bad).toBeDefined();
    expect(failures[0]!.profileId).toBe(bad!.id);
    expect(failures[0]!.error).toMatchObject({ code: 'rejected', field: 'email', retryable: false });
    expect(String(failures[0]!.error.message)).toContain('looks fake or invalid');

    // Nothing changed: no good profile is written again. The refused record is the engine's one
    // retry of a failure (failures are kept for the next run), refused again by the ESP.
    esp.configure({ rate429: 0, rate5xx: 0, burst5xx: { every: 1_000_000, length: 0 } });
    esp.resetCounters();
    const rerun = await run(syncId);
    expect(rerun).toMatchObject({ status: 'succeeded', counts: { scanned: N + 1, unchanged: N, failed: 1 } });
    expect(esp.counters.memberWrites).toBe(0);
    expect(esp.counters.writeRequests).toBeLessThanOrEqual(1);
    expect(esp.counters.rejectedRecords).toBe(esp.counters.writeRequests);
    const [again] = await t.deps.db.select().from(syncFailures).where(eq(syncFailures.syncId, syncId));
    expect(again!.attempts).toBe(2);
  });

  it('sends nothing at all on a rerun when every profile was delivered', async () => {
    esp = await startFakeEsp({ rate429: 0.2, rate5xx: 0.2, retryAfterSeconds: 0.02, seed: 3 });
    await ingest(
      t.deps,
      Array.from({ length: 35 }, (_, i) => person(i)),
    );
    const syncId = await mailchimpSync();
    expect((await run(syncId)).counts).toMatchObject({ ok: 35, failed: 0 });
    esp.resetCounters();
    expect((await run(syncId)).counts).toMatchObject({ scanned: 35, unchanged: 35, sent: 0 });
    expect(esp.counters.requests).toBe(0);

    // One change: exactly that profile, in one write.
    await ingest(t.deps, [{ ...person(4), traits: { first_name: 'Quinn', plan: 'free', score: 28 } }]);
    esp.configure({ rate429: 0, rate5xx: 0 });
    expect((await run(syncId)).counts).toMatchObject({ sent: 1, ok: 1, unchanged: 34 });
    expect(esp.counters.writeRequests).toBe(1);
    expect(esp.member('p4@example.com')!.mergeFields).toEqual({ FNAME: 'Quinn', PLAN: 'FREE', SCORE: 28 });
  });
});
