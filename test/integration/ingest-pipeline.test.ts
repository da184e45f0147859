import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  consent,
  events,
  identities,
  merges,
  orders,
  profileMetrics,
  profiles,
} from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { traitSettingsSchema } from '../../src/ingest/trait-rules.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { putSettings } from '../../src/services/settings.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

let seq = 0;
const at = (iso: string) => new Date(iso);
function track(
  name: string,
  properties: Record<string, unknown>,
  ids: IngestRecord['identifiers'],
  when: string,
  messageId = `m${++seq}`,
): IngestRecord {
  return {
    source: 'segment',
    identifiers: ids,
    observedAt: at(when),
    event: { messageId, type: 'track', name, properties },
  };
}
function identify(
  ids: IngestRecord['identifiers'],
  traits: Record<string, unknown>,
  when: string,
  source = 'segment',
): IngestRecord {
  return { source, identifiers: ids, traits, observedAt: at(when) };
}
async function metricsOf(profileId: string) {
  const [row] = await t.deps.db.select().from(profileMetrics).where(eq(profileMetrics.profileId, profileId));
  return row!;
}
async function profileOf(profileId: string) {
  const [row] = await t.deps.db.select().from(profiles).where(eq(profiles.id, profileId));
  return row!;
}

describe('ingest pipeline', () => {
  it('creates one profile per person and joins records that share an identifier', async () => {
    const [a, b, c] = await ingest(t.deps, [
      identify({ email: 'Ann@Example.com' }, { first_name: 'Ann' }, '2026-01-01T00:00:00Z'),
      identify({ email: 'ann@example.com', userId: 'u1' }, { plan: 'pro' }, '2026-01-02T00:00:00Z'),
      identify({ email: 'bob@example.com' }, { first_name: 'Bob' }, '2026-01-02T00:00:00Z'),
    ]);
    expect(a).toMatchObject({ status: 'stored', created: true });
    expect(b).toMatchObject({ status: 'stored', profileId: (a as { profileId: string }).profileId });
    expect(c).toMatchObject({ status: 'stored', created: true });
    const ann = await profileOf((a as { profileId: string }).profileId);
    expect(ann.traits).toEqual({ first_name: 'Ann', plan: 'pro' });
    const ids = await t.deps.db.select().from(identities).where(eq(identities.profileId, ann.id));
    expect(ids.map((i) => `${i.type}:${i.value}`).sort()).toEqual(['email:ann@example.com', 'user_id:u1']);
    expect(ids.find((i) => i.type === 'email')!.rawValue).toBe('Ann@Example.com');
  });

  it('keeps commerce metrics: orders, AOV, cart, last viewed product', async () => {
    const who = { userId: 'u1' };
    const results = await ingest(t.deps, [
      track('Product Viewed', { product_id: 'p1', category: 'outdoor' }, who, '2026-01-01T10:00:00Z'),
      track('Product Added', { product_id: 'p1', price: 30, quantity: 1 }, who, '2026-01-01T10:01:00Z'),
      track('Product Added', { product_id: 'p2', price: 25, quantity: 2 }, who, '2026-01-01T10:02:00Z'),
      track('Product Removed', { product_id: 'p2', quantity: 1 }, who, '2026-01-01T10:03:00Z'),
    ]);
    const profileId = (results[0] as { profileId: string }).profileId;
    let m = await metricsOf(profileId);
    expect(m.cart.map((i) => [i.productId, i.quantity])).toEqual([
      ['p1', 1],
      ['p2', 1],
    ]);
    expect(m.cartValue).toBe(55);
    expect(m).toMatchObject({ lastViewedProductId: 'p1', lastViewedCategory: 'outdoor', eventCount: 4 });

    await ingest(t.deps, [
      track(
        'Order Completed',
        {
          order_id: 'o1',
          revenue: 55,
          currency: 'usd',
          products: [{ product_id: 'p1', price: 30, quantity: 1 }],
        },
        who,
        '2026-01-02T00:00:00Z',
      ),
      track('Order Completed', { order_id: 'o2', total: 145 }, who, '2026-01-05T00:00:00Z'),
    ]);
    m = await metricsOf(profileId);
    expect(m).toMatchObject({ orderCount: 2, totalSpent: 200, averageOrderValue: 100, cartValue: 0 });
    expect(m.firstOrderAt).toEqual(at('2026-01-02T00:00:00Z'));
    expect(m.lastOrderAt).toEqual(at('2026-01-05T00:00:00Z'));
    const [o1] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, 'o1'));
    expect(o1).toMatchObject({ currency: 'USD', total: 55, status: 'completed' });
  });

  it('stores a replayed message once and counts a replayed order once', async () => {
    const order = track(
      'Order Completed',
      { order_id: 'o1', revenue: 40 },
      { userId: 'u1' },
      '2026-01-02T00:00:00Z',
      'dup-1',
    );
    const first = await ingest(t.deps, [order, { ...order }]);
    expect(first.map((r) => r.status)).toEqual(['stored', 'duplicate']);
    const again = await ingest(t.deps, [
      order,
      track('Order Completed', { order_id: 'o1', revenue: 40 }, { userId: 'u1' }, '2026-01-02T00:00:00Z'),
    ]);
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'stored']);
    const profileId = (first[0] as { profileId: string }).profileId;
    expect(await metricsOf(profileId)).toMatchObject({ orderCount: 1, totalSpent: 40, eventCount: 2 });
    expect(await t.deps.db.select().from(events)).toHaveLength(2);
  });

  it('excludes refunded orders from the totals', async () => {
    const who = { userId: 'u1' };
    const [r] = await ingest(t.deps, [
      track('Order Completed', { order_id: 'o1', revenue: 40 }, who, '2026-01-02T00:00:00Z'),
      track('Order Completed', { order_id: 'o2', revenue: 60 }, who, '2026-01-03T00:00:00Z'),
    ]);
    await ingest(t.deps, [track('Order Refunded', { order_id: 'o2' }, who, '2026-01-04T00:00:00Z')]);
    expect(await metricsOf((r as { profileId: string }).profileId)).toMatchObject({
      orderCount: 1,
      totalSpent: 40,
    });
  });

  it('merges two stored profiles that a record ties together and rebuilds the survivor', async () => {
    const [anon] = await ingest(t.deps, [
      track(
        'Order Completed',
        { order_id: 'o1', revenue: 10 },
        { anonymousId: 'a-1' },
        '2026-01-01T00:00:00Z',
      ),
    ]);
    const [known] = await ingest(t.deps, [
      identify({ userId: 'u1', email: 'ann@example.com' }, { first_name: 'Ann' }, '2026-01-02T00:00:00Z'),
      track('Order Completed', { order_id: 'o2', revenue: 30 }, { userId: 'u1' }, '2026-01-03T00:00:00Z'),
    ]);
    const anonId = (anon as { profileId: string }).profileId;
    const knownId = (known as { profileId: string }).profileId;
    expect(anonId).not.toBe(knownId);

    const [tie] = await ingest(t.deps, [
      {
        source: 'segment',
        identifiers: { userId: 'u1', anonymousId: 'a-1' },
        observedAt: at('2026-01-04T00:00:00Z'),
        event: { messageId: 'alias-1', type: 'alias', properties: {} },
      },
    ]);
    expect(tie).toMatchObject({ profileId: knownId });
    const [log] = await t.deps.db.select().from(merges);
    expect(log).toMatchObject({ survivorId: knownId, mergedId: anonId, method: 'deterministic' });
    expect(log!.evidence).toMatchObject({
      rule: 'shared_identifier',
      mergedIdentifier: { type: 'anonymous_id', value: 'a-1' },
    });
    expect((await profileOf(anonId)).mergedInto).toBe(knownId);
    // The identify above carries no event: o1, o2 and the alias.
    expect(await metricsOf(knownId)).toMatchObject({ orderCount: 2, totalSpent: 40, eventCount: 3 });
    expect((await profileOf(knownId)).traits).toEqual({ first_name: 'Ann' });
  });

  it('lets the highest-priority source win a trait, most recent within a source', async () => {
    await putSettings(
      t.deps,
      { principal: null },
      'traits',
      traitSettingsSchema.parse({ sourcePriority: ['crm', 'segment'] }),
    );
    const [r] = await ingest(t.deps, [
      identify({ email: 'a@example.com' }, { first_name: 'Annie' }, '2026-01-05T00:00:00Z', 'segment'),
      identify({ email: 'a@example.com' }, { first_name: 'Ann' }, '2026-01-01T00:00:00Z', 'crm'),
      identify({ email: 'a@example.com' }, { first_name: 'Anne' }, '2026-01-06T00:00:00Z', 'segment'),
    ]);
    expect((await profileOf((r as { profileId: string }).profileId)).traits.first_name).toBe('Ann');
  });

  it('records consent per channel, latest statement winning', async () => {
    const [r] = await ingest(t.deps, [
      {
        source: 'mailchimp',
        identifiers: { email: 'a@example.com' },
        consent: { email: 'unsubscribed' },
        observedAt: at('2026-01-03T00:00:00Z'),
      },
      {
        source: 'crm',
        identifiers: { email: 'a@example.com' },
        consent: { email: 'subscribed', sms: 'never' },
        observedAt: at('2026-01-01T00:00:00Z'),
      },
    ]);
    const rows = await t.deps.db
      .select()
      .from(consent)
      .where(eq(consent.profileId, (r as { profileId: string }).profileId));
    expect(Object.fromEntries(rows.map((row) => [row.channel, row.status]))).toEqual({
      email: 'unsubscribed',
      sms: 'never',
    });
  });

  it('reports a record whose identifiers are all placeholders instead of making a junk profile', async () => {
    const [r] = await ingest(t.deps, [
      identify({ email: 'test@test.com', userId: 'null' }, { a: 1 }, '2026-01-01T00:00:00Z'),
    ]);
    expect(r).toMatchObject({ status: 'unresolved' });
    expect(await t.deps.db.select().from(profiles)).toHaveLength(0);
  });
});

describe('order status in the same batch', () => {
  it('applies a refund that arrives in the same batch as its order', async () => {
    const who = { userId: 'u-same' };
    const [r] = await ingest(t.deps, [
      track('Order Completed', { order_id: 'same-1', revenue: 25 }, who, '2026-01-02T00:00:00Z'),
      track('Order Refunded', { order_id: 'same-1' }, who, '2026-01-03T00:00:00Z'),
    ]);
    const [row] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, 'same-1'));
    expect(row!.status).toBe('refunded');
    expect(await metricsOf((r as { profileId: string }).profileId)).toMatchObject({
      orderCount: 0,
      totalSpent: 0,
    });
  });
});

describe('values SQLite drivers cannot hold', () => {
  it('reports a record whose message id or identifier contains U+0000 instead of storing it', async () => {
    const results = await ingest(t.deps, [
      track('Product Viewed', { product_id: 'p' }, { userId: 'u\u0000x' }, '2026-01-01T00:00:00Z'),
      track('Product Viewed', { product_id: 'p' }, { userId: 'ok' }, '2026-01-01T00:00:00Z', 'm\u0000id'),
      track('Product Viewed', { product_id: 'p' }, { userId: 'ok' }, '2026-01-01T00:00:00Z'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['unresolved', 'unresolved', 'stored']);
    expect(await t.deps.db.select().from(events)).toHaveLength(1);
  });
});
