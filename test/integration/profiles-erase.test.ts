import { eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema/index.js';
import {
  auditLog,
  consent,
  deletions,
  events,
  identities,
  identityConflicts,
  matchReviews,
  merges,
  orderLines,
  orders,
  profileMatchKeys,
  profileMetrics,
  profiles,
  profileTraits,
} from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { openErasedIdentifiers } from '../../src/services/profiles/erased-identifiers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { ANN, at, identify, profileIdOf, seedAnn, track } from './profiles-fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

// Phone fragments long enough not to turn up by chance in ids and timestamps (".555Z").
const PII = [
  'ann.lee',
  'Ann.Lee',
  '555-2671',
  '4155552671',
  'u-ann',
  'hs-901',
  'anon-ann',
  'Storgata',
  'Annie',
  'Oslo',
];
function expectNoPii(text: string) {
  for (const fragment of PII) expect(text, `leaks ${fragment}`).not.toContain(fragment);
}

describe('DELETE /v1/profiles/{id}', () => {
  it('erases the person, keeps a tombstone, and records a sealed deletion for the destinations', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const owners = [survivorId, mergedId];
    await t.deps.db.insert(profileMatchKeys).values([
      { key: 'ln:lee', profileId: survivorId },
      { key: 'ln:lee', profileId: 'prof_someoneelse' },
    ]);
    const now = new Date('2026-01-06T00:00:00Z');
    await t.deps.db
      .insert(schema.profileScores)
      .values({ profileId: survivorId, rfmGroup: 'Loyal', updatedAt: now });
    await t.deps.db
      .insert(schema.segmentMemberships)
      .values({ segmentId: 'seg_x', profileId: mergedId, enteredAt: now });
    await t.deps.db
      .insert(schema.segmentMembershipHistory)
      .values({ segmentId: 'seg_x', profileId: survivorId, change: 'entered', reason: 'entered', at: now });
    await t.deps.db.insert(schema.segmentChecks).values({ profileId: survivorId, dueAt: now });
    await t.deps.db.insert(schema.profileRecommendations).values({
      profileId: survivorId,
      items: [],
      level: 'global',
      confidence: 0,
      computedAt: now,
    });
    await t.deps.db.insert(schema.syncListMembers).values({
      syncId: 'sync_x',
      list: 'VIP',
      profileId: mergedId,
      email: 'ann.lee@example.com',
      addedAt: now,
    });
    const res = await t.call('DELETE', `/v1/profiles/${survivorId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expectNoPii(text);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      id: survivorId,
      erasedProfileIds: [survivorId, mergedId],
      status: 'pending',
      counts: { identities: 5, traitValues: 4, events: 5, consent: 2, ordersAnonymized: 2 },
    });
    expect(body.deletionId).toMatch(/^del_/);

    const db = t.deps.db;
    for (const [name, rows] of [
      ['identities', await db.select().from(identities).where(inArray(identities.profileId, owners))],
      [
        'profile_traits',
        await db.select().from(profileTraits).where(inArray(profileTraits.profileId, owners)),
      ],
      ['events', await db.select().from(events).where(inArray(events.profileId, owners))],
      ['consent', await db.select().from(consent).where(inArray(consent.profileId, owners))],
      [
        'profile_metrics',
        await db.select().from(profileMetrics).where(inArray(profileMetrics.profileId, owners)),
      ],
      ['profile_scores', await db.select().from(schema.profileScores)],
      ['segment_memberships', await db.select().from(schema.segmentMemberships)],
      ['segment_membership_history', await db.select().from(schema.segmentMembershipHistory)],
      ['segment_checks', await db.select().from(schema.segmentChecks)],
      ['profile_recommendations', await db.select().from(schema.profileRecommendations)],
      ['sync_list_members', await db.select().from(schema.syncListMembers)],
    ] as const) {
      expect(rows, name).toEqual([]);
    }
    expect(await db.select().from(profileMatchKeys)).toEqual([
      { key: 'ln:lee', profileId: 'prof_someoneelse' },
    ]);
    // Tombstones: the rows stay (old ids answer "erased"), without traits.
    const tombstones = await db.select().from(profiles).where(inArray(profiles.id, owners));
    expect(tombstones).toHaveLength(2);
    for (const row of tombstones) {
      expect(row).toMatchObject({ traits: {}, traitSources: {} });
      expect(row.deletedAt).toBeInstanceOf(Date);
    }
    // Orders stay for revenue, linked to the tombstone, free-form properties gone; lines stay.
    const orderRows = await db.select().from(orders).where(inArray(orders.profileId, owners));
    expect(orderRows.map((o) => [o.externalOrderId, o.total, o.properties]).sort()).toEqual([
      ['o-1', 30, {}],
      ['o-2', 70, {}],
    ]);
    expect(await db.select().from(orderLines)).toHaveLength(1);
    // The merge log keeps the fact of the merge, not the identifiers that justified it.
    const [merge] = await db.select().from(merges);
    expect(merge).toMatchObject({ survivorId, mergedId, evidence: { erased: true } });

    const [deletion] = await db.select().from(deletions);
    expect(deletion).toMatchObject({
      id: body.deletionId,
      profileId: survivorId,
      propagation: {},
      completedAt: null,
    });
    expectNoPii(deletion!.identifiersSealed!);
    const sealed = await openErasedIdentifiers(t.deps, deletion!.identifiersSealed!);
    expect(sealed).toEqual({
      version: 1,
      profileIds: [survivorId, mergedId],
      emails: [ANN.email.trim(), 'ann.lee@example.com'].sort(),
      phones: ['(415) 555-2671', '+14155552671'].sort(),
      userIds: ['u-ann'],
      anonymousIds: ['anon-ann'],
      externalIds: { hubspot: ['hs-901'] },
    });

    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, 'profile.erase'));
    expect(audit).toMatchObject({ entityType: 'profile', entityId: survivorId, actorName: 'test admin' });
    expectNoPii(JSON.stringify(audit));
    expect(audit!.after).toMatchObject({ deletionId: body.deletionId, counts: body.counts });
  });

  it('makes every route answer "erased" for the person, by its id, a merged id or an identifier', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    await t.call('DELETE', `/v1/profiles/${mergedId}`);
    for (const [method, path] of [
      ['GET', `/v1/profiles/${survivorId}`],
      ['GET', `/v1/profiles/${mergedId}`],
      ['GET', `/v1/profiles/${survivorId}/export`],
      ['DELETE', `/v1/profiles/${survivorId}`],
    ]) {
      const res = await t.call(method!, path!);
      expect(res.status, `${method} ${path}`).toBe(410);
      expect((await res.json()).error.message).toMatch(/^profile was erased on \d{4}-\d\d-\d\dT/);
    }
    // The identifiers are gone: a lookup finds nobody.
    expect((await t.call('GET', '/v1/profiles?email=ann.lee%40example.com')).status).toBe(404);
    expect(await t.deps.db.select().from(deletions)).toHaveLength(1);
  });

  it('erases the survivor when asked by a merged id', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const body = await (await t.call('DELETE', `/v1/profiles/${mergedId}`)).json();
    expect(body).toMatchObject({
      id: survivorId,
      requestedId: mergedId,
      erasedProfileIds: [survivorId, mergedId],
    });
  });

  it('lets the same email arrive again afterwards as a new person', async () => {
    const { survivorId } = await seedAnn(t);
    await t.call('DELETE', `/v1/profiles/${survivorId}`);
    const [again] = await ingest(t.deps, [
      identify({ email: ANN.email }, { first_name: 'Ann' }, '2026-02-01T00:00:00Z'),
    ]);
    expect(again).toMatchObject({ status: 'stored', created: true });
    const newId = profileIdOf(again);
    expect(newId).not.toBe(survivorId);
    const body = await (await t.call('GET', '/v1/profiles?email=ann.lee%40example.com')).json();
    expect(body).toMatchObject({ id: newId, traits: { first_name: 'Ann' }, mergedIds: [] });
    expect((await t.call('GET', `/v1/profiles/${survivorId}`)).status).toBe(410);
  });

  it('removes identity conflicts and match reviews that name the person, and leaves others alone', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const other = profileIdOf(
      (await ingest(t.deps, [identify({ email: 'bo@example.com' }, {}, '2026-01-01T00:00:00Z')]))[0],
    );
    const third = profileIdOf(
      (await ingest(t.deps, [identify({ email: 'cy@example.com' }, {}, '2026-01-01T00:00:00Z')]))[0],
    );
    const now = at('2026-01-06T00:00:00Z');
    await t.deps.db.insert(identityConflicts).values([
      {
        id: 'cfl_a',
        kind: 'limit',
        fingerprint: 'a',
        profileIds: [other, mergedId],
        identifierType: 'email',
        identifierValue: 'ann.lee@example.com',
        detail: 'x',
        createdAt: now,
      },
      {
        id: 'cfl_b',
        kind: 'limit',
        fingerprint: 'b',
        profileIds: [other, third],
        identifierType: 'email',
        identifierValue: 'bo@example.com',
        detail: 'x',
        createdAt: now,
      },
    ]);
    await t.deps.db.insert(matchReviews).values([
      { id: 'rev_a', profileA: survivorId, profileB: other, probability: 0.7, evidence: {}, createdAt: now },
      { id: 'rev_b', profileA: other, profileB: third, probability: 0.7, evidence: {}, createdAt: now },
    ]);
    await t.call('DELETE', `/v1/profiles/${survivorId}`);
    expect((await t.deps.db.select().from(identityConflicts)).map((r) => r.id)).toEqual(['cfl_b']);
    expect((await t.deps.db.select().from(matchReviews)).map((r) => r.id)).toEqual(['rev_b']);
    expect((await t.call('GET', `/v1/profiles/${other}`)).status).toBe(200);
  });

  it('scrubs merge evidence copied into unmerge audit entries', async () => {
    const { survivorId } = await seedAnn(t);
    const [merge] = await t.deps.db.select().from(merges);
    // What an unmerge writes: the merge row (evidence included) as the entry's `before`.
    await t.deps.db.insert(auditLog).values({
      id: 'aud_unmerge',
      at: at('2026-01-06T00:00:00Z'),
      actorName: 'someone',
      action: 'profile.unmerge',
      entityType: 'merge',
      entityId: merge!.id,
      before: { id: merge!.id, evidence: merge!.evidence },
      after: { restored: [] },
    });
    expect(JSON.stringify(merge!.evidence)).toContain('anon-ann');
    await t.call('DELETE', `/v1/profiles/${survivorId}`);
    const [entry] = await t.deps.db.select().from(auditLog).where(eq(auditLog.id, 'aud_unmerge'));
    expect(entry!.before).toEqual({ id: merge!.id, evidence: { erased: true } });
    expect(entry!.after).toEqual({ restored: [] });
  });

  it('chunks every statement under the parameter limit for a person with many merged ids', async () => {
    const n = 130; // > sqlParamLimit (100) and > half of it, for the two-list statements
    const anon = await ingest(
      t.deps,
      Array.from({ length: n }, (_, i) =>
        track({ anonymousId: `a-${i}` }, 'Page Viewed', {}, '2026-01-01T00:00:00Z'),
      ),
    );
    const anonIds = anon.map(profileIdOf);
    expect(new Set(anonIds).size).toBe(n);
    const [tie] = await ingest(t.deps, [
      identify(
        { userId: 'u-many', email: 'many@example.com' },
        { first_name: 'Many' },
        '2026-01-02T00:00:00Z',
      ),
    ]);
    const survivorId = profileIdOf(tie);
    await ingest(
      t.deps,
      anonIds.map((_, i) =>
        identify({ userId: 'u-many', anonymousId: `a-${i}` }, {}, '2026-01-03T00:00:00Z'),
      ),
    );
    const view = await (await t.call('GET', `/v1/profiles/${survivorId}?events=0`)).json();
    expect(view.mergedIds).toHaveLength(n);

    // Watch every statement the erasure runs: D1 refuses one binding more than 100 parameters.
    const client = (t.deps.db as unknown as { $client: { prepare(sql: string): unknown } }).$client;
    const prepare = client.prepare.bind(client);
    let maxParams = 0;
    client.prepare = (sql: string) => {
      maxParams = Math.max(maxParams, (sql.match(/\?/g) ?? []).length);
      return prepare(sql);
    };
    const res = await t.call('DELETE', `/v1/profiles/${anonIds[7]}`);
    client.prepare = prepare;
    expect(res.status).toBe(200);
    expect(maxParams).toBeGreaterThan(50);
    expect(maxParams).toBeLessThanOrEqual(t.deps.sqlParamLimit);
    expect((await res.json()).erasedProfileIds).toHaveLength(n + 1);
    const live = await t.deps.db.select({ id: profiles.id, deletedAt: profiles.deletedAt }).from(profiles);
    expect(live.filter((p) => p.deletedAt === null)).toEqual([]);
    expect(await t.deps.db.select().from(identities)).toEqual([]);
    expect(await t.deps.db.select().from(events)).toEqual([]);
    expect(
      (await t.deps.db.select().from(merges)).every((m) => (m.evidence as { erased?: boolean }).erased),
    ).toBe(true);
  });

  it('needs admin:write', async () => {
    const { survivorId } = await seedAnn(t);
    expect(
      (await t.call('DELETE', `/v1/profiles/${survivorId}`, { key: await t.keyFor('viewer') })).status,
    ).toBe(403);
    expect(
      (await t.call('DELETE', `/v1/profiles/${survivorId}`, { key: await t.keyFor('editor') })).status,
    ).toBe(200);
  });

  it('answers 404 for an unknown profile', async () => {
    expect((await t.call('DELETE', '/v1/profiles/prof_nobody')).status).toBe(404);
    expect(await t.deps.db.select().from(deletions)).toEqual([]);
  });
});

describe('GET /v1/admin/deletions', () => {
  it('lists erasures with their propagation state, filters by status, pages, and never shows sealed data', async () => {
    const ids: string[] = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      const id = profileIdOf((await ingest(t.deps, [identify({ email }, {}, '2026-01-01T00:00:00Z')]))[0]);
      ids.push(id);
      await t.call('DELETE', `/v1/profiles/${id}`);
    }
    const [first] = await t.deps.db.select().from(deletions).where(eq(deletions.profileId, ids[0]!));
    await t.deps.db
      .update(deletions)
      .set({
        completedAt: at('2026-01-09T00:00:00Z'),
        propagation: { conn_x: 'done' },
        identifiersSealed: null,
      })
      .where(eq(deletions.id, first!.id));

    const viewer = await t.keyFor('viewer');
    const all = await t.call('GET', '/v1/admin/deletions', { key: viewer });
    expect(all.status).toBe(200);
    const text = await all.text();
    expect(text).not.toContain('v1.');
    expect(text).not.toContain('@example.com');
    const list = JSON.parse(text);
    expect(list.items.map((d: { profileId: string }) => d.profileId)).toEqual([...ids].reverse());
    expect(list.items[0]).toMatchObject({
      status: 'pending',
      requestedByName: 'test admin',
      identifiersHeld: true,
      propagation: {},
      completedAt: null,
    });
    expect(list.items[0].requestedBy).toMatch(/^key_/);
    expect(list.items[0].identifiersSealed).toBeUndefined();

    const pending = await (await t.call('GET', '/v1/admin/deletions?status=pending')).json();
    expect(pending.items.map((d: { profileId: string }) => d.profileId)).toEqual([ids[2], ids[1]]);
    const completed = await (await t.call('GET', '/v1/admin/deletions?status=completed')).json();
    expect(completed.items).toMatchObject([
      { profileId: ids[0], status: 'completed', propagation: { conn_x: 'done' }, identifiersHeld: false },
    ]);

    const page1 = await (await t.call('GET', '/v1/admin/deletions?limit=2')).json();
    expect(page1.items).toHaveLength(2);
    const page2 = await (
      await t.call('GET', `/v1/admin/deletions?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2).toMatchObject({ items: [{ profileId: ids[0] }], nextCursor: null });
    expect((await t.call('GET', '/v1/admin/deletions?cursor=nope')).status).toBe(400);
  });
});
