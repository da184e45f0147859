import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { createShopApp, OUT_OF_STOCK } from '../unit/personalize/fixtures.js';

/**
 * GET /v1/personalize through the HTTP app, as an ESP calls it at send time: a personalize key in a
 * header or in the URL, the answer fixed per profile and send, never an error for a known caller.
 */
let t: TestApp;
let key: string;
beforeEach(async () => {
  t = await createShopApp();
  key = await t.keyFor('personalize');
});
afterEach(async () => {
  await t.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the answer as JSON, checked by the expectations.
type Body = any;

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await t.app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const text = await response.text();
  let body: Body = text;
  if (response.headers.get('content-type')?.startsWith('application/json') && text !== '')
    body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body, text };
}

describe('GET /v1/personalize', () => {
  it('answers merge fields and per-slot items with level and confidence', async () => {
    const { status, body, headers } = await get(
      '/v1/personalize?email=Shoes3@Example.com&slots=hero,recs&n=4&send_id=s1',
    );
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('private, max-age=300');
    expect(headers.get('etag')).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(body.fallback).toBe(false);
    expect(body.reason).toBeNull();
    expect(body.profile).toMatchObject({ id: expect.stringMatching(/^prof_/), firstName: null });
    expect(body.slots.hero.items).toHaveLength(1);
    expect(body.slots.recs.items).toHaveLength(4);
    expect(body.slots.recs).toMatchObject({
      fallback: false,
      level: 'personal',
      confidence: expect.any(Number),
    });
    const [item] = body.slots.recs.items;
    expect(Object.keys(item).sort()).toEqual(['currency', 'id', 'image', 'price', 'title', 'url']);
    expect(item.url).toContain('utm_source=esp-hub&utm_medium=email&utm_campaign=s1&utm_content=recs');
    expect(item.currency).toBe('EUR');
    // The hero is not repeated in the grid below it.
    const ids = body.slots.recs.items.map((entry: { id: string }) => entry.id);
    expect(ids).not.toContain(body.slots.hero.items[0].id);
    for (const slot of [body.slots.hero, body.slots.recs]) {
      expect(slot.items.map((entry: { id: string }) => entry.id)).not.toContain(OUT_OF_STOCK);
    }
  });

  it('is deterministic per profile and send, with an ETag that answers 304', async () => {
    const path = '/v1/personalize?email=hats2@example.com&slots=popular,recs,trending&n=5&send_id=camp-7';
    const first = await get(path);
    const again = await get(path);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    const cached = await get(path, { 'if-none-match': first.headers.get('etag')! });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    // Another send may draw other popular items; another recipient of the same send too.
    const popular = new Set<string>();
    for (const send of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const { body } = await get(`/v1/personalize?email=hats2@example.com&slots=popular&n=3&send_id=${send}`);
      popular.add(body.slots.popular.items.map((item: { id: string }) => item.id).join(','));
    }
    expect(popular.size).toBeGreaterThan(1);
  });

  it('accepts the key as a key= query parameter, and refuses a missing or wrong key with 401', async () => {
    const viaQuery = await t.app.request(`/v1/personalize?email=shoes1@example.com&key=${key}`);
    expect(viaQuery.status).toBe(200);
    const missing = await t.app.request('/v1/personalize?email=shoes1@example.com');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { code: 'unauthorized', requestId: expect.any(String) },
    });
    const wrong = await t.app.request('/v1/personalize?email=shoes1@example.com&key=ehk_not-a-key');
    expect(wrong.status).toBe(401);
    const ingestKey = await t.keyFor('ingest');
    const otherRole = await t.app.request(`/v1/personalize?email=shoes1@example.com&key=${ingestKey}`);
    expect(otherRole.status).toBe(403);
  });

  it('answers 400 naming the parameter for malformed requests', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/personalize', 'query'],
      ['/v1/personalize?slots=recs', 'query'],
      ['/v1/personalize?email=a@b.co&profile_id=prof_1', 'query.email'],
      ['/v1/personalize?email=', 'query.email'],
      ['/v1/personalize?email=a@b.co&slots=recs,bogus', 'query.slots'],
      ['/v1/personalize?email=a@b.co&n=0', 'query.n'],
      ['/v1/personalize?email=a@b.co&n=51', 'query.n'],
      ['/v1/personalize?email=a@b.co&n=2.5', 'query.n'],
      ['/v1/personalize?email=a@b.co&format=pdf', 'query.format'],
      ['/v1/personalize?email=a@b.co&source=crm', 'query.source'],
    ];
    for (const [path, param] of cases) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error.code, path).toBe('validation_failed');
      expect(body.error.details[0].path, path).toBe(param);
    }
    const { body } = await get('/v1/personalize?email=a@b.co&slots=bogus');
    expect(body.error.message).toContain("'bogus'");
  });

  it('answers an unknown recipient 200 with global popular items and fallback: true', async () => {
    const { status, body } = await get('/v1/personalize?email=nobody@example.com&n=3');
    expect(status).toBe(200);
    expect(body).toMatchObject({ fallback: true, reason: 'unknown_profile', profile: { id: null } });
    expect(body.slots.recs).toMatchObject({ fallback: true, level: 'global' });
    expect(body.slots.recs.items).toHaveLength(3);
  });

  it('finds profiles by profile_id and by external_id, and gives the segment level when there is no personal one', async () => {
    const byEmail = await get('/v1/personalize?email=quiet@example.com');
    expect(byEmail.body.profile).toMatchObject({ firstName: 'Quinn' });
    expect(byEmail.body.slots.recs).toMatchObject({ fallback: true, level: 'global' });
    expect(byEmail.body.fallback).toBe(true);
    expect(byEmail.body.reason).toBeNull();
    const byId = await get(`/v1/personalize?profile_id=${byEmail.body.profile.id}`);
    expect(byId.body.profile.id).toBe(byEmail.body.profile.id);
  });

  it('renders slots through their templates for format=html and format=text', async () => {
    const html = await get('/v1/personalize?email=shoes3@example.com&slots=recs&n=2&format=html&send_id=x');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<table');
    expect(html.text).toContain('utm_campaign=x');
    expect(html.text).toContain('€');
    const text = await get('/v1/personalize?email=shoes3@example.com&slots=recs&n=2&format=text&send_id=x');
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.text).toMatch(/^Picked for you:\n- /);
    expect(text.text).not.toContain('<');
  });

  it('limits requests per key with 429 and Retry-After', async () => {
    const put = await t.call('PUT', '/v1/admin/settings/recommendations', {
      body: { webhook: { rateLimit: { perSecond: 1, burst: 3 } } },
    });
    expect(put.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get('/v1/personalize?email=shoes1@example.com')).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await get('/v1/personalize?email=shoes1@example.com');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.code).toBe('rate_limited');
    // Another key has its own bucket.
    const other = await t.keyFor('personalize');
    const response = await t.app.request(`/v1/personalize?email=shoes1@example.com&key=${other}`);
    expect(response.status).toBe(200);
  });

  it('counts answers and latency for admins', async () => {
    await get('/v1/personalize?email=shoes1@example.com');
    await get('/v1/personalize?email=nobody@example.com');
    await get('/v1/personalize?email=a@b.co&n=0');
    const response = await t.call('GET', '/v1/admin/metrics/personalize');
    expect(response.status).toBe(200);
    const metrics = await response.json();
    expect(metrics).toMatchObject({
      requests: 3,
      answers: { ok: 1, fallback_unknown_profile: 1 },
      refused: { bad_request: 1 },
    });
    expect(metrics.latencyMs.p99).toBeGreaterThan(0);
    expect(metrics.latencyMs.max).toBeGreaterThanOrEqual(metrics.latencyMs.p50);
  });
});
