import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identitySettingsSchema } from '../../src/identity/settings.js';
import { engagementAt } from '../../src/ingest/metrics.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { loadMetrics } from '../../src/ingest/profile-state.js';
import { loadSettings, putSettings } from '../../src/services/settings.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { identify, profileIdOf, seedAnn, track } from './profiles-fixtures.js';

let t: TestApp;
const NOW = new Date('2026-01-14T12:00:00Z');
beforeEach(async () => {
  t = await createTestApp();
  // The routes read the clock through deps: a fixed now makes recency and decay exact.
  t.deps.now = () => NOW;
});
afterEach(async () => {
  await t.close();
});

describe('GET /v1/profiles/{id}', () => {
  it('shows traits with their sources, identities, metrics as of now, consent and recent events', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const res = await t.call('GET', `/v1/profiles/${survivorId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-location')).toBe(`/v1/profiles/${survivorId}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();

    expect(body).toMatchObject({ id: survivorId, mergedIds: [mergedId] });
    expect(body.requestedId).toBeUndefined();
    expect(body.traits).toEqual({ first_name: 'Annie', last_name: 'Lee', city: 'Oslo' });
    expect(body.traitSources.first_name).toEqual({
      source: 'segment',
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(body.traitSources.city).toEqual({ source: 'hubspot', updatedAt: '2026-01-01T00:00:00.000Z' });

    const byType = Object.fromEntries(
      body.identities.map((i: { type: string; value: string }) => [i.type, i]),
    );
    expect(Object.keys(byType).sort()).toEqual([
      'anonymous_id',
      'email',
      'external:hubspot',
      'phone',
      'user_id',
    ]);
    expect(byType.email).toMatchObject({
      value: 'ann.lee@example.com',
      rawValue: ' Ann.Lee@Example.com ',
      valid: true,
      source: 'hubspot',
      firstSeenAt: '2026-01-01T00:00:00.000Z',
    });
    expect(byType.phone).toMatchObject({ value: '+14155552671', rawValue: '(415) 555-2671' });

    const [stored] = (await loadMetrics(t.deps, [survivorId])).values();
    const settings = await loadSettings(t.deps);
    expect(body.metrics).toMatchObject({
      orderCount: 2,
      totalSpent: 100,
      averageOrderValue: 50,
      firstOrderAt: '2025-12-20T00:00:00.000Z',
      lastOrderAt: '2026-01-04T00:00:00.000Z',
      // 10.5 days between the last order and NOW: whole days.
      recencyDays: 10,
      lastViewedProductId: 'p1',
      lastViewedCategory: 'outdoor',
      lastViewedAt: '2026-01-03T10:00:00.000Z',
      cart: { items: [], value: 0, updatedAt: '2026-01-04T00:00:00.000Z' },
      eventCount: 5,
      lastEventAt: '2026-01-05T00:00:00.000Z',
    });
    expect(body.metrics.engagementScore).toBeCloseTo(
      engagementAt(stored!, NOW.getTime(), settings.engagement),
      10,
    );
    expect(body.metrics.engagementScore).toBeLessThan(stored!.engagementScore);

    // hubspot said subscribed on the 1st, segment unsubscribed on the 2nd: the latest wins; push
    // was never stated, so it is absent (unknown).
    expect(body.consent).toEqual({
      email: { status: 'unsubscribed', source: 'segment', updatedAt: '2026-01-02T00:00:00.000Z' },
      sms: { status: 'never', source: 'hubspot', updatedAt: '2026-01-01T00:00:00.000Z' },
    });

    expect(body.recentEvents.map((e: { name: string | null; type: string }) => e.name ?? e.type)).toEqual([
      'alias',
      'Order Completed',
      'Product Added',
      'Product Viewed',
      'Order Completed',
    ]);
    expect(body.recentEvents[1]).toMatchObject({ source: 'segment', properties: { order_id: 'o-1' } });
  });

  it('answers a merged id with the survivor, naming both', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const res = await t.call('GET', `/v1/profiles/${mergedId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-location')).toBe(`/v1/profiles/${survivorId}`);
    const body = await res.json();
    expect(body).toMatchObject({ id: survivorId, requestedId: mergedId, mergedIds: [mergedId] });
    expect(body.metrics.orderCount).toBe(2);
  });

  it('limits recent events with ?events=N (0 to 100)', async () => {
    const who = { userId: 'u-many' };
    const records = Array.from({ length: 30 }, (_, i) =>
      track(who, 'Page Viewed', { n: i }, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()),
    );
    const id = profileIdOf((await ingest(t.deps, records))[0]);

    const byDefault = await (await t.call('GET', `/v1/profiles/${id}`)).json();
    expect(byDefault.recentEvents).toHaveLength(20);
    expect(byDefault.recentEvents[0].properties).toEqual({ n: 29 });
    expect((await (await t.call('GET', `/v1/profiles/${id}?events=3`)).json()).recentEvents).toHaveLength(3);
    expect((await (await t.call('GET', `/v1/profiles/${id}?events=0`)).json()).recentEvents).toEqual([]);
    const tooMany = await t.call('GET', `/v1/profiles/${id}?events=101`);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.details[0].path).toBe('query.events');
  });

  it('answers 404 for an unknown id and 400 for something that is not a profile id', async () => {
    const missing = await t.call('GET', '/v1/profiles/prof_doesnotexist');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'not_found' });
    const bad = await t.call('GET', '/v1/profiles/conn_abc');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe('path.id');
  });

  it('has no metrics to show for a profile with traits only: zeros and nulls', async () => {
    const id = profileIdOf(
      (await ingest(t.deps, [identify({ email: 'bo@example.com' }, { a: 1 }, '2026-01-01T00:00:00Z')]))[0],
    );
    const body = await (await t.call('GET', `/v1/profiles/${id}`)).json();
    expect(body.metrics).toMatchObject({
      orderCount: 0,
      averageOrderValue: null,
      recencyDays: null,
      engagementScore: 0,
      cart: { items: [], value: 0, updatedAt: null },
    });
    expect(body.consent).toEqual({});
  });

  it('needs admin:read', async () => {
    const { survivorId } = await seedAnn(t);
    expect((await t.call('GET', `/v1/profiles/${survivorId}`, { key: null })).status).toBe(401);
    expect(
      (await t.call('GET', `/v1/profiles/${survivorId}`, { key: await t.keyFor('ingest') })).status,
    ).toBe(403);
    expect(
      (await t.call('GET', `/v1/profiles/${survivorId}`, { key: await t.keyFor('viewer') })).status,
    ).toBe(200);
  });
});

describe('GET /v1/profiles?… (lookup)', () => {
  it('finds a person by any identifier, normalized the way ingest normalizes it', async () => {
    const { survivorId, mergedId } = await seedAnn(t);
    const lookups = [
      'email=ANN.LEE%40example.COM',
      'phone=%2B1%20415%20555%202671',
      'user_id=u-ann',
      'external_id=hs-901&source=HubSpot',
      // An identifier that arrived on the merged profile finds the survivor.
      'anonymous_id=anon-ann',
    ];
    for (const query of lookups) {
      const res = await t.call('GET', `/v1/profiles?${query}&events=1`);
      expect(res.status, query).toBe(200);
      expect(res.headers.get('content-location')).toBe(`/v1/profiles/${survivorId}`);
      const body = await res.json();
      expect(body).toMatchObject({ id: survivorId, mergedIds: [mergedId] });
      expect(body.requestedId).toBeUndefined();
      expect(body.recentEvents).toHaveLength(1);
    }
  });

  it('follows the identity settings (plus tags stripped when configured)', async () => {
    await putSettings(
      t.deps,
      { principal: null },
      'identity',
      identitySettingsSchema.parse({ email: { stripPlusTags: true } }),
    );
    const id = profileIdOf(
      (await ingest(t.deps, [identify({ email: 'cy+news@example.com' }, {}, '2026-01-01T00:00:00Z')]))[0],
    );
    const body = await (await t.call('GET', '/v1/profiles?email=Cy%2Bshop%40example.com')).json();
    expect(body.id).toBe(id);
  });

  it('answers 404 when nobody holds the identifier', async () => {
    await seedAnn(t);
    const res = await t.call('GET', '/v1/profiles?email=nobody%40example.com');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('nobody');
  });

  it('wants exactly one lookup parameter, and names the offending ones', async () => {
    const cases: Array<[string, string[]]> = [
      ['', ['query']],
      ['email=a%40b.co&phone=123', ['query.email', 'query.phone']],
      ['external_id=1', ['query.source']],
      ['email=a%40b.co&source=hubspot', ['query.source']],
      ['user_id=%20%20', ['query.user_id']],
    ];
    for (const [query, paths] of cases) {
      const res = await t.call('GET', `/v1/profiles?${query}`);
      expect(res.status, query).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d: { path: string }) => d.path)).toEqual(paths);
    }
  });
});

describe('OpenAPI', () => {
  it('documents the profile routes under the profiles tag with bearer auth', async () => {
    const doc = await (await t.call('GET', '/openapi.json', { key: null })).json();
    for (const [path, method] of [
      ['/v1/profiles', 'get'],
      ['/v1/profiles/{id}', 'get'],
      ['/v1/profiles/{id}', 'delete'],
      ['/v1/profiles/{id}/export', 'get'],
      ['/v1/admin/deletions', 'get'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.tags).toEqual(['profiles']);
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.components.schemas.Profile.properties.metrics).toBeDefined();
  });
});
