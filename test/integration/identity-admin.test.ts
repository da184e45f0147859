import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, matchReviews, profileMetrics, profiles } from '../../src/db/schema/index.js';
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

let seq = 0;
const order = (ids: IngestRecord['identifiers'], revenue: number, when: string): IngestRecord => ({
  source: 'segment',
  identifiers: ids,
  observedAt: new Date(when),
  event: {
    messageId: `m${++seq}`,
    type: 'track',
    name: 'Order Completed',
    properties: { order_id: `o${seq}`, revenue },
  },
});
const tie = (when: string): IngestRecord => ({
  source: 'segment',
  identifiers: { userId: 'u1', anonymousId: 'anon-1' },
  observedAt: new Date(when),
  event: { messageId: `alias-${++seq}`, type: 'alias', properties: {} },
});
const idOf = (result: unknown) => (result as { profileId: string }).profileId;

async function mergedPair() {
  const anon = idOf(
    (await ingest(t.deps, [order({ anonymousId: 'anon-1' }, 10, '2026-01-01T00:00:00Z')]))[0],
  );
  const known = idOf((await ingest(t.deps, [order({ userId: 'u1' }, 30, '2026-01-02T00:00:00Z')]))[0]);
  await ingest(t.deps, [tie('2026-01-03T00:00:00Z')]);
  return { anon, known };
}

describe('explain and unmerge', () => {
  it('explains why two ids are one profile, with the shared identifier as evidence', async () => {
    const { anon, known } = await mergedPair();
    const res = await t.call('GET', `/v1/admin/identity/explain?a=${anon}&b=${known}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.same).toBe(true);
    expect(body.path).toHaveLength(1);
    expect(body.path[0]).toMatchObject({
      survivorId: known,
      mergedId: anon,
      method: 'deterministic',
      evidence: { rule: 'shared_identifier', mergedIdentifier: { type: 'anonymous_id', value: 'anon-1' } },
    });
  });

  it('says when two ids are different people', async () => {
    const a = idOf((await ingest(t.deps, [order({ userId: 'x' }, 1, '2026-01-01T00:00:00Z')]))[0]);
    const b = idOf((await ingest(t.deps, [order({ userId: 'y' }, 1, '2026-01-01T00:00:00Z')]))[0]);
    const body = await (await t.call('GET', `/v1/admin/identity/explain?a=${a}&b=${b}`)).json();
    expect(body).toMatchObject({ same: false, path: [] });
  });

  it('splits a merge back from the log, rebuilds both, and keeps them apart afterwards', async () => {
    const { anon, known } = await mergedPair();
    const { items } = await (await t.call('GET', `/v1/admin/merges?profile=${known}`)).json();
    const res = await t.call('POST', `/v1/admin/merges/${items[0].id}/unmerge`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ survivorId: known, restoredId: anon, restoredProfiles: [anon] });

    const [anonRow] = await t.deps.db.select().from(profiles).where(eq(profiles.id, anon));
    expect(anonRow!.mergedInto).toBeNull();
    const anonEvents = await t.deps.db.select().from(events).where(eq(events.profileId, anon));
    expect(anonEvents).toHaveLength(1);
    const [anonMetrics] = await t.deps.db
      .select()
      .from(profileMetrics)
      .where(eq(profileMetrics.profileId, anon));
    const [knownMetrics] = await t.deps.db
      .select()
      .from(profileMetrics)
      .where(eq(profileMetrics.profileId, known));
    expect(anonMetrics).toMatchObject({ orderCount: 1, totalSpent: 10 });
    // The alias event arrived on the survivor after the merge: it stays there.
    expect(knownMetrics).toMatchObject({ orderCount: 1, totalSpent: 30, eventCount: 2 });

    // The same tying record again: not merged, recorded as a blocked-pair conflict.
    await ingest(t.deps, [tie('2026-01-04T00:00:00Z')]);
    const [again] = await t.deps.db.select().from(profiles).where(eq(profiles.id, anon));
    expect(again!.mergedInto).toBeNull();
    const conflicts = await (await t.call('GET', '/v1/admin/identity/conflicts')).json();
    expect(conflicts.items).toEqual([expect.objectContaining({ kind: 'blocked_pair' })]);
    expect(
      (await t.call('POST', `/v1/admin/identity/conflicts/${conflicts.items[0].id}/resolve`)).status,
    ).toBe(200);

    const twice = await t.call('POST', `/v1/admin/merges/${items[0].id}/unmerge`);
    expect(twice.status).toBe(409);
    const audit = await (await t.call('GET', '/v1/admin/audit-log?entityType=merge')).json();
    expect(audit.items[0].action).toBe('profile.unmerge');
  });
});

describe('review queue', () => {
  async function review(a: string, b: string) {
    const id = `rev_${a.slice(5, 12)}${b.slice(5, 12)}`;
    await t.deps.db.insert(matchReviews).values({
      id,
      profileA: a,
      profileB: b,
      probability: 0.93,
      evidence: { weight: 3.2, fields: [{ field: 'surname', level: 'exact', weight: 4.1 }] },
      createdAt: new Date(),
    });
    return id;
  }

  it('merges on accept with the score as evidence', async () => {
    const a = idOf(
      (await ingest(t.deps, [order({ email: 'ann@example.com' }, 5, '2026-01-01T00:00:00Z')]))[0],
    );
    const b = idOf(
      (await ingest(t.deps, [order({ email: 'ann.lee@example.com' }, 7, '2026-01-02T00:00:00Z')]))[0],
    );
    const id = await review(a, b);
    expect((await (await t.call('GET', '/v1/admin/identity/reviews')).json()).items).toHaveLength(1);
    const res = await t.call('POST', `/v1/admin/identity/reviews/${id}/accept`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.review.status).toBe('accepted');
    const explain = await (await t.call('GET', `/v1/admin/identity/explain?a=${a}&b=${b}`)).json();
    expect(explain.same).toBe(true);
    expect(explain.path[0].evidence).toMatchObject({ rule: 'review_accepted', probability: 0.93 });
    const [m] = await t.deps.db
      .select()
      .from(profileMetrics)
      .where(eq(profileMetrics.profileId, body.merge.survivorId));
    expect(m).toMatchObject({ orderCount: 2, totalSpent: 12 });
    expect((await t.call('POST', `/v1/admin/identity/reviews/${id}/reject`)).status).toBe(409);
  });

  it('refuses to accept a match that would give one person two user ids', async () => {
    const a = idOf((await ingest(t.deps, [order({ userId: 'u-a' }, 5, '2026-01-01T00:00:00Z')]))[0]);
    const b = idOf((await ingest(t.deps, [order({ userId: 'u-b' }, 7, '2026-01-02T00:00:00Z')]))[0]);
    const res = await t.call('POST', `/v1/admin/identity/reviews/${await review(a, b)}/accept`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain('user_id');
  });

  it('keeps the pair apart on reject', async () => {
    const a = idOf((await ingest(t.deps, [order({ email: 'x@example.com' }, 5, '2026-01-01T00:00:00Z')]))[0]);
    const b = idOf((await ingest(t.deps, [order({ phone: '+14155550100' }, 7, '2026-01-02T00:00:00Z')]))[0]);
    const id = await review(a, b);
    expect((await t.call('POST', `/v1/admin/identity/reviews/${id}/reject`)).status).toBe(200);
    await ingest(t.deps, [
      order({ email: 'x@example.com', phone: '+1 415 555 0100' }, 1, '2026-01-03T00:00:00Z'),
    ]);
    const [row] = await t.deps.db.select().from(profiles).where(eq(profiles.id, b));
    expect(row!.mergedInto).toBeNull();
  });
});

describe('settings', () => {
  it('validates, stores, audits and applies identity settings', async () => {
    const bad = await t.call('PUT', '/v1/admin/settings/identity', {
      body: { limits: { email: 0 }, blocked: { patterns: ['('] } },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe('limits.email');
    const badPattern = await t.call('PUT', '/v1/admin/settings/identity', {
      body: { blocked: { patterns: ['('] } },
    });
    expect((await badPattern.json()).error.details[0].path).toBe('blocked.patterns');

    const ok = await t.call('PUT', '/v1/admin/settings/identity', {
      body: { email: { stripPlusTags: true } },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).email.stripPlusTags).toBe(true);
    const [a, b] = await ingest(t.deps, [
      order({ email: 'ann+shop@example.com' }, 1, '2026-01-01T00:00:00Z'),
      order({ email: 'ann@example.com' }, 1, '2026-01-02T00:00:00Z'),
    ]);
    expect(idOf(a)).toBe(idOf(b));
    const all = await (await t.call('GET', '/v1/admin/settings')).json();
    expect(all.identity.email.stripPlusTags).toBe(true);
    expect(all.engagement.halfLifeDays).toBe(30);
    const audit = await (await t.call('GET', '/v1/admin/audit-log?entityType=settings')).json();
    expect(audit.items[0]).toMatchObject({ action: 'settings.update', entityId: 'identity' });
  });
});

describe('re-resolution after a rule change', () => {
  it('reports in a dry run, then joins, rewrites and detaches under the new rules', async () => {
    const plus = idOf(
      (await ingest(t.deps, [order({ email: 'ann+shop@example.com' }, 5, '2026-01-01T00:00:00Z')]))[0],
    );
    const plain = idOf(
      (await ingest(t.deps, [order({ email: 'ann@example.com' }, 7, '2026-01-02T00:00:00Z')]))[0],
    );
    const placeholder = idOf(
      (
        await ingest(t.deps, [
          order({ email: 'nobody@example.org', userId: 'guest' }, 1, '2026-01-02T00:00:00Z'),
        ])
      )[0],
    );
    expect(plus).not.toBe(plain);
    await t.call('PUT', '/v1/admin/settings/identity', {
      body: { email: { stripPlusTags: true }, blocked: { values: ['guest'] } },
    });

    const dry = await (
      await t.call('POST', '/v1/admin/identity/re-resolve', { body: { dryRun: true } })
    ).json();
    expect(dry).toMatchObject({
      dryRun: true,
      renormalized: 1,
      nowBlocked: [{ profileId: placeholder, type: 'user_id', value: 'guest' }],
    });
    expect(dry.joins).toEqual([
      { profiles: expect.arrayContaining([plus, plain]), type: 'email', value: 'ann@example.com' },
    ]);
    const [stillApart] = await t.deps.db.select().from(profiles).where(eq(profiles.id, plain));
    expect(stillApart!.mergedInto).toBeNull();

    const applied = await (
      await t.call('POST', '/v1/admin/identity/re-resolve', { body: { dryRun: false } })
    ).json();
    expect(applied.joins[0].outcome).toBe('merged');
    const explain = await (await t.call('GET', `/v1/admin/identity/explain?a=${plus}&b=${plain}`)).json();
    expect(explain.same).toBe(true);
    expect(explain.path[0].evidence).toMatchObject({
      rule: 're_resolution',
      identifier: { type: 'email', value: 'ann@example.com' },
    });
    const again = await (
      await t.call('POST', '/v1/admin/identity/re-resolve', { body: { dryRun: true } })
    ).json();
    expect(again).toMatchObject({ renormalized: 0, nowBlocked: [], joins: [] });
  });
});
