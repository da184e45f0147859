import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderLines, orders, profileMetrics } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { mid, send } from './segment-fixtures.js';

let t: TestApp;
let key: string;
beforeEach(async () => {
  t = await createTestApp();
  key = await t.keyFor('ingest');
});
afterEach(async () => {
  await t.close();
});

/** Track calls for one shopper, a minute apart, sent as one batch. */
async function shop(calls: Array<[event: string, properties: Record<string, unknown>]>) {
  const start = Date.parse('2026-02-01T10:00:00.000Z');
  const res = await send(t, key, '/v1/batch', {
    batch: calls.map(([event, properties], index) => ({
      type: 'track',
      userId: 'shopper-1',
      event,
      properties,
      messageId: mid(),
      timestamp: new Date(start + index * 60_000).toISOString(),
    })),
  });
  expect(res.status).toBe(200);
  const body = await res.json();
  for (const result of body.results) expect(result.status).toBe('stored');
  return body.results[0].profileId as string;
}

async function metricsOf(profileId: string) {
  const [row] = await t.deps.db.select().from(profileMetrics).where(eq(profileMetrics.profileId, profileId));
  return row!;
}

describe('Segment e-commerce events', () => {
  it('Product Viewed sets the last viewed product and category', async () => {
    const profileId = await shop([
      ['Product Viewed', { product_id: 'p1', category: 'outdoor', name: 'Tent' }],
      ['Product Viewed', { product_id: 'p2', category: 'kitchen', name: 'Pan' }],
    ]);
    expect(await metricsOf(profileId)).toMatchObject({
      lastViewedProductId: 'p2',
      lastViewedCategory: 'kitchen',
      lastViewedAt: new Date('2026-02-01T10:01:00.000Z'),
    });
  });

  it('Product Added and Removed keep the cart; Cart Viewed replaces it with what the shopper sees', async () => {
    const profileId = await shop([
      ['Product Added', { product_id: 'p1', name: 'Tent', price: 120, quantity: 1 }],
      ['Product Added', { product_id: 'p2', name: 'Pan', price: 30, quantity: 2 }],
      ['Product Removed', { product_id: 'p2', quantity: 1 }],
    ]);
    let m = await metricsOf(profileId);
    expect(m.cart.map((item) => [item.productId, item.quantity])).toEqual([
      ['p1', 1],
      ['p2', 1],
    ]);
    expect(m.cartValue).toBe(150);

    await send(t, key, '/v1/track', {
      userId: 'shopper-1',
      event: 'Cart Viewed',
      messageId: mid(),
      timestamp: '2026-02-01T11:00:00.000Z',
      properties: { cart_id: 'c1', products: [{ product_id: 'p3', price: 9.5, quantity: 2 }] },
    });
    m = await metricsOf(profileId);
    expect(m.cart).toEqual([{ productId: 'p3', price: 9.5, quantity: 2 }]);
    expect(m.cartValue).toBe(19);
  });

  it('Order Completed stores the order and its lines, counts it, and empties the cart', async () => {
    const profileId = await shop([
      ['Product Added', { product_id: 'p1', price: 120 }],
      [
        'Order Completed',
        {
          order_id: 'ord-1001',
          revenue: 150,
          shipping: 5,
          tax: 12,
          discount: 10,
          currency: 'eur',
          coupon: 'SPRING',
          products: [
            { product_id: 'p1', sku: 'TENT-1', name: 'Tent', category: 'outdoor', price: 120, quantity: 1 },
            { product_id: 'p2', name: 'Pan', price: 15, quantity: 2 },
          ],
        },
      ],
    ]);
    const [order] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, 'ord-1001'));
    expect(order).toMatchObject({
      source: 'segment',
      profileId,
      status: 'completed',
      total: 150,
      currency: 'EUR',
      discount: 10,
      orderedAt: new Date('2026-02-01T10:01:00.000Z'),
    });
    // Unknown order fields ride along in the stored properties.
    expect(order!.properties).toMatchObject({ coupon: 'SPRING', shipping: 5 });
    const lines = await t.deps.db.select().from(orderLines).where(eq(orderLines.orderId, order!.id));
    expect(lines.sort((a, b) => a.lineNo - b.lineNo)).toMatchObject([
      { productId: 'p1', sku: 'TENT-1', name: 'Tent', category: 'outdoor', price: 120, quantity: 1 },
      { productId: 'p2', name: 'Pan', price: 15, quantity: 2 },
    ]);
    expect(await metricsOf(profileId)).toMatchObject({ orderCount: 1, totalSpent: 150, cartValue: 0 });
  });

  it('counts a replayed Order Completed once, and marks a refund on the order', async () => {
    const order = {
      userId: 'shopper-1',
      event: 'Order Completed',
      messageId: 'order-msg',
      properties: { order_id: 'ord-7', revenue: 40 },
    };
    await send(t, key, '/v1/track', order);
    await send(t, key, '/v1/track', order);
    // The same order under a new messageId (a second tracking call) is still one order.
    const res = await send(t, key, '/v1/track', { ...order, messageId: mid() });
    const profileId = (await res.json()).results[0].profileId;
    expect((await metricsOf(profileId)).orderCount).toBe(1);

    await send(t, key, '/v1/track', {
      userId: 'shopper-1',
      event: 'Order Refunded',
      messageId: mid(),
      properties: { order_id: 'ord-7' },
    });
    const [row] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, 'ord-7'));
    expect(row!.status).toBe('refunded');
  });
});
