import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  randomAdminKey,
  randomSecretKey,
  startMigratedWorker,
  type WranglerDev,
} from '../helpers/wrangler-dev.js';

/**
 * Segments on workerd with a local D1: events through the Segment-compatible API, a segment created
 * and computed through the admin API, membership updated by the next event, and explain — the same
 * engine as on Node, on D1's SQL (json_extract included) and its 100-parameter limit.
 */
const ADMIN_KEY = randomAdminKey();
let worker: WranglerDev | undefined;

beforeAll(async () => {
  worker = await startMigratedWorker('d1-segments', {
    vars: { ESP_HUB_SECRET_KEY: randomSecretKey(), ESP_HUB_ADMIN_KEY: ADMIN_KEY, ESP_HUB_LOG_LEVEL: 'warn' },
  });
});

afterAll(async () => {
  await worker?.stop();
});

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  if (!worker) throw new Error('wrangler dev did not start');
  const response = await fetch(worker.baseUrl + path, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}\n${worker.output()}`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('segments on workerd with D1', () => {
  it('computes a segment from tracked events and keeps it live', async () => {
    const { key } = (await call('/v1/admin/api-keys', {
      method: 'POST',
      body: { name: 'web', role: 'ingest' },
    })) as {
      key: string;
    };
    const basic = { authorization: `Basic ${btoa(`${key}:`)}` };
    const view = (userId: string, category: string) =>
      call('/v1/track', {
        method: 'POST',
        headers: basic,
        body: {
          userId,
          event: 'Product Viewed',
          properties: { category, product_id: 'p1' },
          messageId: `${userId}-${category}`,
        },
      });
    await view('u1', 'Shoes');
    await view('u2', 'Hats');

    const segment = (await call('/v1/admin/segments?wait=true', {
      method: 'POST',
      body: {
        name: 'Shoe browsers',
        rule: {
          type: 'event',
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'Shoes' }],
          within: { last: 24, unit: 'hours' },
        },
      },
    })) as { id: string; status: string };
    expect(segment.status).toBe('ready');
    const members = async () =>
      ((await call(`/v1/admin/segments/${segment.id}/members`)) as { items: Array<{ profileId: string }> })
        .items;
    expect(await members()).toHaveLength(1);

    await view('u2', 'Shoes');
    const now = await members();
    expect(now).toHaveLength(2);

    const explained = (await call(
      `/v1/admin/segments/${segment.id}/explain?profile=${now[0]!.profileId}`,
    )) as {
      inSegment: boolean;
      nextChangeAt: string;
    };
    expect(explained.inSegment).toBe(true);
    expect(Date.parse(explained.nextChangeAt)).toBeGreaterThan(Date.now());
  });
});
