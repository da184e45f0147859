import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { products } from '../../src/db/schema/index.js';
import { fixture, ndjsonLines, postCsv } from '../fixtures/imports/post-csv.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const PATH = '/v1/admin/imports/products';

async function productOf(id: string) {
  const [row] = await t.deps.db.select().from(products).where(eq(products.id, id));
  return row;
}

describe('POST /v1/admin/imports/products', () => {
  it('upserts catalog rows, keeps other columns as properties and rejects bad values by column', async () => {
    const res = await postCsv(t, PATH, await fixture('products.csv'));
    expect(res.status).toBe(200);
    const { summary, results } = await res.json();
    expect(summary).toEqual({ rows: 7, created: 2, updated: 0, unchanged: 0, rejected: 5 });
    expect(results.slice(0, 2)).toEqual([
      { row: 1, line: 2, status: 'created', id: 'p-1' },
      { row: 2, line: 3, status: 'created', id: 'p-2' },
    ]);
    expect(results.slice(2).map((r: { column: string; reason: string }) => [r.column, r.reason])).toEqual([
      ['url', 'url: must be an http(s) URL'],
      ['price', 'price: must be ≥ 0 (got -2)'],
      ['currency', "currency: 'EURO' is not an ISO 4217 currency code (3 letters, e.g. USD)"],
      ['In Stock', "In Stock: 'maybe' is not a boolean (true/false, 1/0, yes/no)"],
      ['id', 'id: is empty'],
    ]);

    expect(await productOf('p-1')).toMatchObject({
      title: 'Trail shoe',
      url: 'https://shop.example.com/p-1',
      imageUrl: 'https://cdn.example.com/p-1.jpg',
      price: 120,
      currency: 'EUR',
      category: 'shoes',
      inStock: true,
      active: true,
      properties: { brand: 'Acme' },
    });
    expect(await productOf('p-2')).toMatchObject({ inStock: false, imageUrl: null, properties: {} });
  });

  it('reports unchanged rows on re-import and updates changed ones', async () => {
    const csv = 'id,title,price\np-1,Shoe,10\np-2,Sock,2\n';
    await postCsv(t, PATH, csv);
    const before = await productOf('p-1');
    const again = await (await postCsv(t, PATH, csv.replace('Sock,2', 'Sock,3'))).json();
    expect(again.results.map((r: { status: string }) => r.status)).toEqual(['unchanged', 'updated']);
    expect((await productOf('p-1'))!.updatedAt).toEqual(before!.updatedAt);
    expect((await productOf('p-2'))!.price).toBe(3);
  });

  it('streams one NDJSON line per row and a summary line', async () => {
    const res = await postCsv(t, PATH, 'id,title\np-1,Shoe\np-2,\n', { accept: 'application/x-ndjson' });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await ndjsonLines(res)).toEqual([
      { row: 1, line: 2, status: 'created', id: 'p-1' },
      { row: 2, line: 3, status: 'rejected', column: 'title', reason: 'title: is empty' },
      { summary: { rows: 2, created: 1, updated: 0, unchanged: 0, rejected: 1 } },
    ]);
  });

  it('needs id and title columns', async () => {
    const res = await postCsv(t, PATH, 'sku,price\na,1\n');
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.map((d: { message: string }) => d.message)).toEqual([
      'no id column: every product needs one',
      'no title column: every product needs one',
    ]);
  });
});
