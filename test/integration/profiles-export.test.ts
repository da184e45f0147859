import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema/index.js';
import {
  deletions,
  identityConflicts,
  matchReviews,
  mergeBlocks,
  profileMatchKeys,
} from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { at, profileIdOf, seedAnn, track } from './profiles-fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

/**
 * Where each table that holds data about a person shows in the export. A new table with a
 * person-linked column fails the coverage test below until the export (and the erasure) handle it.
 */
const EXPORT_SECTION_OF_TABLE: Record<string, string> = {
  profiles: 'profile',
  profile_traits: 'traitValues',
  identities: 'identities',
  events: 'events',
  orders: 'orders',
  consent: 'consent',
  profile_metrics: 'metrics',
  merges: 'merges',
  merge_blocks: 'mergeBlocks',
  identity_conflicts: 'identityConflicts',
  match_reviews: 'matchReviews',
  deletions: 'deletions',
  profile_match_keys: 'matchKeys',
  sync_fingerprints: 'syncDeliveries',
  sync_failures: 'syncFailures',
  suppressions: 'suppressions',
  audit_log: 'audit',
  profile_scores: 'scores',
  segment_memberships: 'segmentMemberships',
  segment_membership_history: 'segmentHistory',
  segment_checks: 'segmentChecks',
  profile_recommendations: 'recommendations',
  recommendation_refresh_queue: 'recommendationRefresh',
  sync_list_members: 'syncLists',
  serving_changes: 'servingChanges',
};
const PERSON_COLUMNS =
  /^(profile_id|origin_profile_id|profile_a|profile_b|survivor_id|merged_id|merged_into|profile_ids_json|entity_id)$/;

describe('GET /v1/profiles/{id}/export', () => {
  it('covers every table that can hold data about a person', () => {
    const personTables = (Object.values(schema) as unknown[])
      .filter((value): value is SQLiteTable => is(value, SQLiteTable))
      .map((table) => getTableConfig(table))
      .filter(
        (config) =>
          config.name === 'profiles' || config.columns.some((column) => PERSON_COLUMNS.test(column.name)),
      )
      .map((config) => config.name)
      .sort();
    expect(personTables).toEqual(Object.keys(EXPORT_SECTION_OF_TABLE).sort());
  });

  it('returns everything held on the person as an attachment, every table represented', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const other = profileIdOf(
      (
        await ingest(t.deps, [track({ email: 'bo@example.com' }, 'Page Viewed', {}, '2026-01-01T00:00:00Z')])
      )[0],
    );
    const now = at('2026-01-06T00:00:00Z');
    // Rows only admin actions or the matcher make: inserted directly.
    await t.deps.db.insert(identityConflicts).values({
      id: 'cfl_x',
      kind: 'limit',
      fingerprint: 'x',
      profileIds: [survivorId, other],
      identifierType: 'email',
      identifierValue: 'ann.lee@example.com',
      detail: 'limit',
      createdAt: now,
    });
    await t.deps.db.insert(matchReviews).values({
      id: 'rev_x',
      profileA: other,
      profileB: survivorId,
      probability: 0.8,
      evidence: { secretOfTheOtherPerson: 'bo' },
      createdAt: now,
    });
    await t.deps.db
      .insert(mergeBlocks)
      .values({ profileA: mergedId, profileB: other, reason: 'split', createdAt: now });
    await t.deps.db.insert(profileMatchKeys).values({ key: 'ln:lee', profileId: survivorId });
    await t.deps.db
      .insert(schema.syncFingerprints)
      .values({ syncId: 'sync_x', profileId: survivorId, fingerprint: 'f1', syncedAt: now });
    await t.deps.db.insert(schema.syncFailures).values({
      syncId: 'sync_x',
      profileId: mergedId,
      runId: 'run_x',
      error: { code: 'rejected', message: 'bad email' },
      failedAt: now,
    });
    await t.deps.db.insert(schema.suppressions).values({
      id: 'sup_x',
      profileId: mergedId,
      originConnectionId: 'conn_x',
      reason: 'email.unsubscribed',
      createdAt: now,
    });
    await t.deps.db.insert(deletions).values({
      id: 'del_x',
      profileId: mergedId,
      identifiersSealed: await t.deps.secrets.seal('{"sealed":"ann"}'),
      requestedBy: 'key_x',
      requestedAt: now,
    });

    // What the engines derive: scores, segment membership, its history and next check, recommendations.
    await t.deps.db
      .insert(schema.profileScores)
      .values({ profileId: survivorId, rfmGroup: 'Champions', updatedAt: now });
    await t.deps.db
      .insert(schema.segmentMemberships)
      .values({ segmentId: 'seg_x', profileId: survivorId, enteredAt: now });
    await t.deps.db.insert(schema.segmentMembershipHistory).values({
      segmentId: 'seg_x',
      profileId: mergedId,
      change: 'entered',
      reason: 'entered: $ frequency gte 1',
      at: now,
    });
    await t.deps.db.insert(schema.segmentChecks).values({ profileId: survivorId, dueAt: now });
    await t.deps.db.insert(schema.profileRecommendations).values({
      profileId: survivorId,
      items: [{ productId: 'p1', score: 1 }],
      level: 'personal',
      confidence: 0.9,
      computedAt: now,
    });

    await t.deps.db
      .insert(schema.recommendationRefreshQueue)
      .values({ profileId: survivorId, queuedAt: now.getTime() })
      .onConflictDoNothing();

    await t.deps.db.insert(schema.syncListMembers).values({
      syncId: 'sync_x',
      list: 'VIP',
      profileId: survivorId,
      email: 'ann.lee@example.com',
      addedAt: now,
    });

    const res = await t.call('GET', `/v1/profiles/${mergedId}/export`, { key: await t.keyFor('editor') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${survivorId}.json"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).not.toMatch(/"v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
    expect(text).not.toContain('secretOfTheOtherPerson');
    const doc = JSON.parse(text);

    for (const section of Object.values(EXPORT_SECTION_OF_TABLE)) {
      const value = doc[section];
      expect(value, section).toBeDefined();
      if (Array.isArray(value)) expect(value.length, section).toBeGreaterThan(0);
    }
    expect(doc.profile).toMatchObject({
      id: survivorId,
      mergedIds: [mergedId],
      traits: { first_name: 'Annie' },
    });
    expect(doc.mergedProfiles.map((p: { id: string }) => p.id)).toEqual([mergedId]);
    expect(doc.traitValues).toHaveLength(4);
    expect(doc.traitValues).toContainEqual(
      expect.objectContaining({
        key: 'first_name',
        source: 'hubspot',
        value: 'Ann',
        originProfileId: survivorId,
      }),
    );
    expect(doc.identities).toHaveLength(5);
    expect(doc.identities.find((i: { type: string }) => i.type === 'email')).toMatchObject({
      rawValue: ' Ann.Lee@Example.com ',
      value: 'ann.lee@example.com',
    });
    expect(doc.consent).toHaveLength(2);
    expect(doc.metrics).toMatchObject({ orderCount: 2, totalSpent: 100 });
    expect(doc.orders.map((o: { externalOrderId: string }) => o.externalOrderId)).toEqual(['o-2', 'o-1']);
    expect(doc.orders[1]).toMatchObject({
      properties: { shipping_address: 'Storgata 1, Oslo' },
      lines: [{ lineNo: 0, productId: 'p1', name: 'Tent', price: 30, quantity: 1 }],
    });
    expect(doc.events).toHaveLength(5);
    expect(doc.events[1]).toMatchObject({ name: 'Product Viewed', context: { ip: '203.0.113.7' } });
    expect(doc.merges).toMatchObject([{ survivorId, mergedId, method: 'deterministic' }]);
    expect(doc.merges[0].evidence).toMatchObject({ rule: 'shared_identifier' });
    expect(doc.mergeBlocks).toMatchObject([{ profileA: mergedId, profileB: other }]);
    expect(doc.identityConflicts).toMatchObject([{ id: 'cfl_x', identifierValue: 'ann.lee@example.com' }]);
    expect(doc.matchReviews).toEqual([expect.objectContaining({ id: 'rev_x', probability: 0.8 })]);
    expect(doc.matchReviews[0].evidence).toBeUndefined();
    expect(doc.deletions).toEqual([expect.objectContaining({ id: 'del_x', identifiersHeld: true })]);
    expect(doc.deletions[0].identifiersSealed).toBeUndefined();
    expect(doc.matchKeys).toEqual([{ key: 'ln:lee', profileId: survivorId }]);
    // The export itself is audited (who exported whom).
    expect(doc.audit).toContainEqual(
      expect.objectContaining({ action: 'profile.export', entityId: survivorId, actorName: 'test editor' }),
    );
    // Nothing of the other person.
    expect(text).not.toContain('bo@example.com');
  });

  it('streams thousands of events, oldest first, and all orders', async () => {
    const who = { userId: 'u-busy' };
    const n = 2_345;
    const start = Date.UTC(2025, 0, 1);
    const records = Array.from({ length: n }, (_, i) =>
      i % 10 === 0
        ? track(
            who,
            'Order Completed',
            { order_id: `o-${i}`, revenue: 1 },
            new Date(start + i * 60_000).toISOString(),
          )
        : track(who, 'Page Viewed', { n: i }, new Date(start + i * 60_000).toISOString()),
    );
    const id = profileIdOf((await ingest(t.deps, records))[0]);
    const res = await t.call('GET', `/v1/profiles/${id}/export`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.events).toHaveLength(n);
    const times = doc.events.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(doc.events.map((e: { id: string }) => e.id)).size).toBe(n);
    expect(doc.orders).toHaveLength(235);
    expect(doc.orders.at(-1).externalOrderId).toBe(`o-2340`);
  });

  it('needs admin:write: a viewer may read a profile but not take all of it away', async () => {
    const { survivorId } = await seedAnn(t);
    const viewer = await t.keyFor('viewer');
    expect((await t.call('GET', `/v1/profiles/${survivorId}/export`, { key: viewer })).status).toBe(403);
    expect((await t.call('GET', '/v1/profiles/prof_nobody/export')).status).toBe(404);
  });
});
