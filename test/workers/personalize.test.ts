import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  randomAdminKey,
  randomSecretKey,
  startMigratedWorker,
  type WranglerDev,
} from '../helpers/wrangler-dev.js';

/**
 * The send-time webhook on workerd with a local D1: the same lookup path as on Node (one statement
 * for the profile and its precomputed list, shared lists and products from memory or D1), the
 * precompute run through the admin API, LiquidJS rendering in the Workers runtime.
 */
const ADMIN_KEY = randomAdminKey();

let worker: WranglerDev | undefined;

beforeAll(async () => {
  worker = await startMigratedWorker('d1-personalize', {
    vars: { ESP_HUB_SECRET_KEY: randomSecretKey(), ESP_HUB_ADMIN_KEY: ADMIN_KEY, ESP_HUB_LOG_LEVEL: 'warn' },
  });
});

afterAll(async () => {
  await worker?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, each checked by the expectations.
type Body = any;

async function call(
  path: string,
  init: { method?: string; key?: string; body?: unknown } = {},
): Promise<{ status: number; body: Body; text: string; headers: Headers }> {
  if (!worker) throw new Error('wrangler dev did not start');
  const response = await fetch(worker.baseUrl + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.key === undefined ? {} : { authorization: `Bearer ${init.key}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or text answers stay text.
  }
  return { status: response.status, body, text, headers: response.headers };
}

function expectStatus(result: { status: number; text: string }, status: number) {
  if (result.status !== status) {
    throw new Error(
      `expected ${status}, got ${result.status}: ${result.text}\n${worker?.output().slice(-3000)}`,
    );
  }
}

describe('GET /v1/personalize on workerd and D1', () => {
  let key = '';

  beforeAll(async () => {
    const products = ['a', 'b', 'c', 'd', 'e', 'f'].map((letter, i) => ({
      id: `sku-${letter}`,
      title: `Product ${letter.toUpperCase()}`,
      url: `https://shop.example.com/p/${letter}`,
      price: 10 + i,
      currency: 'USD',
      category: i < 3 ? 'shoes' : 'hats',
    }));
    expectStatus(
      await call('/v1/catalog/products', { method: 'PUT', key: ADMIN_KEY, body: { products } }),
      200,
    );
    // Six shoppers who view and buy shoes a, b, c together; one who viewed a only.
    const batch = [];
    for (let p = 0; p < 6; p++) {
      for (const sku of ['sku-a', 'sku-b', 'sku-c']) {
        batch.push({
          type: 'track',
          event: 'Product Viewed',
          userId: `u${p}`,
          messageId: `v-${p}-${sku}`,
          properties: { product_id: sku },
        });
      }
      batch.push({
        type: 'track',
        event: 'Order Completed',
        userId: `u${p}`,
        messageId: `o-${p}`,
        properties: { order_id: `o-${p}`, products: [{ product_id: 'sku-a' }, { product_id: 'sku-b' }] },
      });
    }
    batch.push({
      type: 'identify',
      userId: 'fresh',
      messageId: 'id-fresh',
      traits: { email: 'fresh@example.com', first_name: 'Frida' },
    });
    expectStatus(await call('/v1/batch', { method: 'POST', key: ADMIN_KEY, body: { batch } }), 200);
    const recomputed = await call('/v1/admin/recommendations/recompute?wait=true', {
      method: 'POST',
      key: ADMIN_KEY,
    });
    expectStatus(recomputed, 200);
    expect(recomputed.body).toMatchObject({ done: true, counts: { profiles: 7 } });
    const created = await call('/v1/admin/api-keys', {
      method: 'POST',
      key: ADMIN_KEY,
      body: { name: 'esp', role: 'personalize' },
    });
    expectStatus(created, 201);
    key = created.body.key;
  });

  it('answers merge fields and items for a known profile, key in the URL', async () => {
    const result = await call(
      `/v1/personalize?email=fresh@example.com&slots=hero,recs&n=3&send_id=s1&key=${key}`,
    );
    expectStatus(result, 200);
    expect(result.headers.get('etag')).toBeTruthy();
    expect(result.body).toMatchObject({ fallback: true, reason: null, profile: { firstName: 'Frida' } });
    expect(result.body.slots.hero.items).toHaveLength(1);
    expect(result.body.slots.recs.items.length).toBeGreaterThan(0);
    expect(result.body.slots.recs.items[0].url).toContain('utm_campaign=s1');
    const again = await call(
      `/v1/personalize?email=fresh@example.com&slots=hero,recs&n=3&send_id=s1&key=${key}`,
    );
    expect(again.text).toBe(result.text);
  });

  it('renders html through LiquidJS', async () => {
    const result = await call(`/v1/personalize?external_id=u1&format=html&n=2&key=${key}`);
    expectStatus(result, 200);
    expect(result.headers.get('content-type')).toContain('text/html');
    expect(result.text).toContain('<table');
  });

  it('answers an unknown profile 200 with fallback content, and refuses bad requests', async () => {
    const unknown = await call(`/v1/personalize?email=nobody@example.com&key=${key}`);
    expectStatus(unknown, 200);
    expect(unknown.body).toMatchObject({ fallback: true, reason: 'unknown_profile' });
    expectStatus(await call('/v1/personalize?email=nobody@example.com'), 401);
    const bad = await call(`/v1/personalize?email=x@example.com&n=99&key=${key}`);
    expectStatus(bad, 400);
    expect(bad.body.error.details[0].path).toBe('query.n');
  });
});
