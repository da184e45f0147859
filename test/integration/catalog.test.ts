import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ maxBodyBytes: 1024 * 1024 });
});
afterEach(async () => {
  await t.close();
});

const product = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Product ${id}`,
  price: 10,
  currency: 'EUR',
  category: 'shoes',
  ...extra,
});

async function put(products: unknown[], key?: string) {
  return t.call('PUT', '/v1/catalog/products', { body: { products }, ...(key ? { key } : {}) });
}

describe('catalog API', () => {
  it('upserts a batch with a result per product, rejecting bad ones by path', async () => {
    const res = await put([
      product('p-1', { url: 'https://shop.example.com/p-1', color: 'red' }),
      product('p-2', { inStock: false, properties: { size: 42 } }),
      product('p-3', { price: -1, currency: 'eur' }),
      product('p-4', { imageUrl: 'javascript:alert(1)', in_stock: true }),
      { title: 'no id' },
      'not an object',
    ]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 4 });
    expect(body.results.slice(0, 2)).toEqual([
      { index: 0, id: 'p-1', status: 'created' },
      { index: 1, id: 'p-2', status: 'created' },
    ]);
    expect(body.results[2]).toEqual({
      index: 2,
      id: 'p-3',
      status: 'rejected',
      errors: [
        { path: 'products.2.price', message: 'must be ≥ 0' },
        { path: 'products.2.currency', message: 'must be an ISO 4217 code: 3 uppercase letters, e.g. USD' },
      ],
    });
    expect(body.results[3].errors).toEqual([
      { path: 'products.3.imageUrl', message: 'must be an http(s) URL' },
      { path: 'products.3.in_stock', message: 'use inStock' },
    ]);
    expect(body.results[4]).toMatchObject({ status: 'rejected', errors: [{ path: 'products.4.id' }] });
    expect(body.results[5]).toMatchObject({ status: 'rejected', errors: [{ path: 'products.5' }] });

    const one = await (await t.call('GET', '/v1/catalog/products/p-1')).json();
    // Fields the API does not know are kept in properties.
    expect(one).toMatchObject({
      id: 'p-1',
      url: 'https://shop.example.com/p-1',
      imageUrl: null,
      inStock: true,
      active: true,
      properties: { color: 'red' },
    });
    expect((await (await t.call('GET', '/v1/catalog/products/p-2')).json()).properties).toEqual({ size: 42 });
  });

  it('reports unchanged and updated products, later items winning, across many statements', async () => {
    // 30 products: more rows than one statement may bind under the 100-parameter limit.
    const many = Array.from({ length: 30 }, (_, i) => product(`p-${i}`));
    expect((await (await put(many)).json()).summary).toMatchObject({ created: 30 });
    const again = await put([
      ...many.slice(0, 29),
      product('p-29', { price: 12 }),
      product('p-29', { price: 13 }),
    ]);
    const body = await again.json();
    expect(body.summary).toEqual({ created: 0, updated: 2, unchanged: 29, rejected: 0 });
    expect((await (await t.call('GET', '/v1/catalog/products/p-29')).json()).price).toBe(13);
  });

  it('lists by id with a cursor, filters by category, and leaves deleted products out', async () => {
    await put([
      product('a', { category: 'hats' }),
      product('b'),
      product('c'),
      product('d', { category: 'hats' }),
      product('e'),
    ]);
    const first = await (await t.call('GET', '/v1/catalog/products?limit=2')).json();
    expect(first.items.map((p: { id: string }) => p.id)).toEqual(['a', 'b']);
    const second = await (
      await t.call('GET', `/v1/catalog/products?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second.items.map((p: { id: string }) => p.id)).toEqual(['c', 'd']);
    const hats = await (await t.call('GET', '/v1/catalog/products?category=hats')).json();
    expect(hats).toMatchObject({ items: [{ id: 'a' }, { id: 'd' }], nextCursor: null });

    expect((await t.call('DELETE', '/v1/catalog/products/b')).status).toBe(204);
    expect((await t.call('DELETE', '/v1/catalog/products/b')).status).toBe(204);
    const active = await (await t.call('GET', '/v1/catalog/products')).json();
    expect(active.items.map((p: { id: string }) => p.id)).toEqual(['a', 'c', 'd', 'e']);
    const deleted = await (await t.call('GET', '/v1/catalog/products?active=false')).json();
    expect(deleted.items.map((p: { id: string }) => p.id)).toEqual(['b']);
    expect((await (await t.call('GET', '/v1/catalog/products?active=all')).json()).items).toHaveLength(5);
    // Kept, for the orders that refer to it; upserting it again brings it back.
    expect(await (await t.call('GET', '/v1/catalog/products/b')).json()).toMatchObject({
      id: 'b',
      active: false,
    });
    expect((await (await put([product('b')])).json()).results[0].status).toBe('updated');
    expect((await (await t.call('GET', '/v1/catalog/products/b')).json()).active).toBe(true);
  });

  it('answers 404 for an unknown product and finds ids that need escaping', async () => {
    expect((await t.call('GET', '/v1/catalog/products/nope')).status).toBe(404);
    expect((await t.call('DELETE', '/v1/catalog/products/nope')).status).toBe(404);
    await put([product('shoe 42/blue')]);
    const res = await t.call('GET', `/v1/catalog/products/${encodeURIComponent('shoe 42/blue')}`);
    expect(res.status).toBe(200);
    expect((await res.json()).id).toBe('shoe 42/blue');
  });

  it('refuses an empty batch and more than 1000 products', async () => {
    const empty = await put([]);
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.details[0].path).toBe('products');
    const tooMany = await put(Array.from({ length: 1001 }, (_, i) => product(`p-${i}`)));
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.details[0].message).toMatch(/at most 1000/);
  });

  it('lets ingest and admin:write keys write, admin:read keys read', async () => {
    const ingest = await t.keyFor('ingest');
    const viewer = await t.keyFor('viewer');
    const editor = await t.keyFor('editor');
    expect((await put([product('p-1')], ingest)).status).toBe(200);
    expect((await put([product('p-2')], editor)).status).toBe(200);
    const denied = await put([product('p-3')], viewer);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toMatch(/needs ingest:write or admin:write/);
    expect((await t.call('DELETE', '/v1/catalog/products/p-1', { key: viewer })).status).toBe(403);
    expect((await t.call('GET', '/v1/catalog/products', { key: viewer })).status).toBe(200);
    expect((await t.call('GET', '/v1/catalog/products', { key: ingest })).status).toBe(403);
    expect((await t.call('GET', '/v1/catalog/products', { key: null })).status).toBe(401);
  });

  it('documents the routes and the product schema in /openapi.json', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(
      doc.paths['/v1/catalog/products'].put.requestBody.content['application/json'].schema.properties.products
        .items,
    ).toEqual({
      $ref: '#/components/schemas/ProductInput',
    });
    expect(doc.components.schemas.ProductInput.required).toEqual(['id', 'title']);
    expect(Object.keys(doc.paths['/v1/admin/imports/orders'].post.responses['200'].content)).toEqual([
      'application/json',
      'application/x-ndjson',
    ]);
    expect(doc.paths['/v1/admin/imports/profiles'].post.tags).toEqual(['imports']);
  });
});
