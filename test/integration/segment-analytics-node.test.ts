import { Analytics } from '@segment/analytics-node';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, identities, orderLines, orders, profiles } from '../../src/db/schema/index.js';
import { serveOnLoopback } from '../helpers/loopback-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Segment's own Node library, pointed at ESP Hub by changing only its host: it posts to its
 * default path (`/v1/batch`) with the write key as HTTP Basic, over a real socket.
 */
let t: TestApp;
let server: { host: string; close(): Promise<void> };
let host: string;
let key: string;
beforeEach(async () => {
  t = await createTestApp();
  key = await t.keyFor('ingest');
  server = await serveOnLoopback(t.app.fetch);
  host = server.host;
});
afterEach(async () => {
  await server.close();
  await t.close();
});

/** A client as an application would build it; delivery failures are collected, not retried. */
function client() {
  const analytics = new Analytics({ writeKey: key, host, flushAt: 10, maxRetries: 0 });
  const failures: unknown[] = [];
  const statuses: number[] = [];
  analytics.on('error', (error) => failures.push(error));
  analytics.on('http_response', (response) => statuses.push(response.status));
  return { analytics, failures, statuses };
}

describe('@segment/analytics-node', () => {
  it('delivers identify, track (Order Completed), page and alias, stored as the spec says', async () => {
    const { analytics, failures, statuses } = client();
    analytics.identify({
      anonymousId: 'anon-42',
      userId: 'user-42',
      traits: { email: 'Jane@Example.com', first_name: 'Jane', plan: 'pro' },
      messageId: 'node-identify-1',
    });
    analytics.track({
      userId: 'user-42',
      event: 'Order Completed',
      properties: {
        order_id: 'ord-42',
        revenue: 64.5,
        currency: 'USD',
        products: [
          { product_id: 'sku-1', name: 'Mug', price: 12.5, quantity: 2 },
          { product_id: 'sku-2', name: 'Tea', price: 39.5, quantity: 1 },
        ],
      },
      messageId: 'node-order-1',
    });
    analytics.page({ anonymousId: 'anon-42', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.alias({ userId: 'user-42', previousId: 'visitor-7' });
    await analytics.closeAndFlush();

    expect(failures).toEqual([]);
    expect(statuses).toEqual([200]);
    const stored = await t.deps.db.select().from(events);
    expect(stored.map((event) => event.type).sort()).toEqual(['alias', 'identify', 'page', 'track']);
    // One person: the page's anonymousId, the alias's previousId and the identify all joined.
    const profileIds = new Set(stored.map((event) => event.profileId));
    expect(profileIds.size).toBe(1);
    const [profileId] = [...profileIds];

    const page = stored.find((event) => event.type === 'page')!;
    expect(page).toMatchObject({ name: 'Pricing', properties: { path: '/pricing' } });
    // The library's own metadata is kept with the event, not dropped.
    expect(page.context).toMatchObject({ library: { name: '@segment/analytics-node' } });
    expect(page.context!._segment).toHaveProperty('_metadata');

    const [profile] = await t.deps.db.select().from(profiles).where(eq(profiles.id, profileId!));
    expect(profile!.traits).toMatchObject({ email: 'Jane@Example.com', first_name: 'Jane', plan: 'pro' });
    const ids = await t.deps.db.select().from(identities).where(eq(identities.profileId, profileId!));
    expect(ids.map((identity) => `${identity.type}:${identity.value}`).sort()).toEqual([
      'anonymous_id:anon-42',
      'anonymous_id:visitor-7',
      'email:jane@example.com',
      'user_id:user-42',
    ]);

    const [order] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, 'ord-42'));
    expect(order).toMatchObject({ profileId, total: 64.5, currency: 'USD', status: 'completed' });
    const lines = await t.deps.db.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    expect(lines).toHaveLength(2);
  });

  it('stores a message flushed twice with the same messageId once', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { analytics, failures } = client();
      analytics.track({
        userId: 'user-42',
        event: 'Order Completed',
        properties: { order_id: 'ord-43', revenue: 10 },
        messageId: 'node-order-twice',
      });
      await analytics.closeAndFlush();
      expect(failures).toEqual([]);
    }
    const [{ n }] = (await t.deps.db
      .select({ n: count() })
      .from(events)
      .where(eq(events.messageId, 'node-order-twice'))) as [{ n: number }];
    expect(n).toBe(1);
    expect(await t.deps.db.select().from(orders)).toHaveLength(1);
  });

  it('reports a rejected delivery when the write key is not an ingest-capable key', async () => {
    key = await t.keyFor('viewer');
    const { analytics, failures, statuses } = client();
    analytics.track({ userId: 'user-42', event: 'Signed In' });
    await analytics.closeAndFlush();
    expect(statuses).toEqual([403]);
    expect(failures).toHaveLength(1);
    expect(await t.deps.db.select().from(events)).toHaveLength(0);
  });
});
