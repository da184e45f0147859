import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord, IngestResult } from '../../src/ingest/types.js';
import type { TestApp } from '../helpers/test-app.js';

/** Fixtures for the profiles-*.test.ts suites: people built through the real ingest pipeline. */

let seq = 0;
export const at = (iso: string) => new Date(iso);

export function track(
  ids: IngestRecord['identifiers'],
  name: string,
  properties: Record<string, unknown>,
  when: string,
  extra: Partial<IngestRecord> = {},
): IngestRecord {
  return {
    source: 'segment',
    identifiers: ids,
    observedAt: at(when),
    event: {
      messageId: `msg-${++seq}`,
      type: 'track',
      name,
      properties,
      context: { ip: '203.0.113.7', userAgent: 'test' },
    },
    ...extra,
  };
}

export function identify(
  ids: IngestRecord['identifiers'],
  traits: Record<string, unknown>,
  when: string,
  source = 'segment',
  consent?: IngestRecord['consent'],
): IngestRecord {
  return { source, identifiers: ids, traits, observedAt: at(when), ...(consent ? { consent } : {}) };
}

export function profileIdOf(result: IngestResult | undefined): string {
  if (result?.status !== 'stored') throw new Error(`expected a stored record, got ${JSON.stringify(result)}`);
  return result.profileId;
}

export const ANN = {
  email: ' Ann.Lee@Example.com ',
  phone: '(415) 555-2671',
  userId: 'u-ann',
  externalIds: { hubspot: 'hs-901' },
};

/**
 * Ann: traits from two sources, consent, browsing, a cart, an order with lines; then an anonymous
 * visitor with its own order whom an alias ties to her (a merge). Returns both ids.
 */
export async function seedAnn(t: TestApp): Promise<{ survivorId: string; mergedId: string }> {
  const [known] = await ingest(t.deps, [
    identify(ANN, { first_name: 'Ann', last_name: 'Lee', city: 'Oslo' }, '2026-01-01T00:00:00Z', 'hubspot', {
      email: 'subscribed',
      sms: 'never',
    }),
    identify({ userId: 'u-ann' }, { first_name: 'Annie' }, '2026-01-02T00:00:00Z', 'segment', {
      email: 'unsubscribed',
    }),
    track(
      { userId: 'u-ann' },
      'Product Viewed',
      { product_id: 'p1', category: 'outdoor' },
      '2026-01-03T10:00:00Z',
    ),
    track(
      { userId: 'u-ann' },
      'Product Added',
      { product_id: 'p1', price: 30, quantity: 1 },
      '2026-01-03T10:01:00Z',
    ),
    track(
      { userId: 'u-ann' },
      'Order Completed',
      {
        order_id: 'o-1',
        revenue: 30,
        currency: 'eur',
        shipping_address: 'Storgata 1, Oslo',
        products: [{ product_id: 'p1', name: 'Tent', price: 30, quantity: 1 }],
      },
      '2026-01-04T00:00:00Z',
    ),
  ]);
  const [anon] = await ingest(t.deps, [
    track(
      { anonymousId: 'anon-ann' },
      'Order Completed',
      { order_id: 'o-2', revenue: 70 },
      '2025-12-20T00:00:00Z',
    ),
  ]);
  await ingest(t.deps, [
    {
      source: 'segment',
      identifiers: { userId: 'u-ann', anonymousId: 'anon-ann' },
      observedAt: at('2026-01-05T00:00:00Z'),
      event: { messageId: `alias-${++seq}`, type: 'alias', properties: {} },
    },
  ]);
  return { survivorId: profileIdOf(known), mergedId: profileIdOf(anon) };
}
