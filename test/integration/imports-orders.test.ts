import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, identities, orderLines, orders } from '../../src/db/schema/index.js';
import { ORDER_WINDOW_ROWS } from '../../src/services/imports/orders.js';
import { fixture, postCsv } from '../fixtures/imports/post-csv.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ maxBodyBytes: 4 * 1024 * 1024 });
});
afterEach(async () => {
  await t.close();
});

const PATH = '/v1/admin/imports/orders';

async function orderOf(externalOrderId: string) {
  const [order] = await t.deps.db.select().from(orders).where(eq(orders.externalOrderId, externalOrderId));
  if (!order) return undefined;
  const lines = await t.deps.db
    .select()
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id))
    .orderBy(asc(orderLines.lineNo));
  return { ...order, lines };
}

describe('POST /v1/admin/imports/orders', () => {
  it('groups the rows of each order, wherever they are, into one stored order', async () => {
    const res = await postCsv(t, PATH, await fixture('orders.csv'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toEqual({ rows: 7, created: 3, updated: 0, unchanged: 0, rejected: 4 });
    const byRow = Object.fromEntries(body.results.map((r: { row: number }) => [r.row, r]));
    expect(byRow[1]).toMatchObject({
      status: 'created',
      id: '1001',
      profileId: expect.stringMatching(/^prof_/),
    });
    expect(byRow[3]).toMatchObject({ status: 'created', id: '1001', profileId: byRow[1].profileId });
    expect(byRow[2]).toMatchObject({ status: 'created', id: '1002' });

    const order = await orderOf('1001');
    expect(order).toMatchObject({ source: 'csv', status: 'completed', currency: 'EUR', total: 128 });
    expect(order!.orderedAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(order!.lines.map((l) => [l.productId, l.sku, l.name, l.category, l.price, l.quantity])).toEqual([
      ['p-1', 'SKU-1', 'Trail shoe', 'shoes', 120, 1],
      ['p-3', 'SKU-3', 'Laces', 'accessories', 4, 2],
    ]);
    // An unknown column is kept on its line.
    expect((order!.properties.products as Array<Record<string, unknown>>)[0]).toMatchObject({
      gift_wrap: 'yes',
    });

    // Revenue wins over the sum of lines; the offset is applied; the refund is recorded.
    const refunded = await orderOf('1002');
    expect(refunded).toMatchObject({ total: 16.5, status: 'refunded' });
    expect(refunded!.orderedAt.toISOString()).toBe('2026-03-02T07:30:00.000Z');
  });

  it('rejects rows with a reason naming the column, and the whole order a bad row belongs to', async () => {
    const { results } = await (await postCsv(t, PATH, await fixture('orders.csv'))).json();
    const byRow = Object.fromEntries(results.map((r: { row: number }) => [r.row, r]));
    expect(byRow[4]).toMatchObject({
      status: 'rejected',
      column: 'price',
      reason: "price: 'abc' is not a number (write digits with a '.' decimal point, e.g. 1234.50)",
    });
    expect(byRow[5]).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^order 1003 not imported: row 4 is rejected \(price: /),
    });
    expect(byRow[6]).toMatchObject({
      status: 'rejected',
      column: 'order_id',
      reason: expect.stringMatching(/is empty/),
    });
    expect(byRow[7]).toMatchObject({
      status: 'rejected',
      column: 'ordered_at',
      reason: expect.stringMatching(/'03\/04\/2026' is not a date .*set date_format=mdy or dmy/),
    });
    expect(await orderOf('1003')).toBeUndefined();
  });

  it('is idempotent: a re-import changes nothing and says so, a new status is applied', async () => {
    const csv = await fixture('orders.csv');
    await postCsv(t, PATH, csv);
    const again = await (await postCsv(t, PATH, csv)).json();
    expect(again.summary).toEqual({ rows: 7, created: 0, updated: 0, unchanged: 3, rejected: 4 });
    expect(await t.deps.db.select().from(orders)).toHaveLength(2);
    expect((await orderOf('1001'))!.lines).toHaveLength(2);

    const cancelled =
      'order_id,email,ordered_at,status\n1001,ann@example.com,2026-03-01T10:00:00Z,Canceled\n';
    const res = await (await postCsv(t, PATH, cancelled)).json();
    expect(res.results[0]).toMatchObject({ status: 'updated', id: '1001' });
    expect(await orderOf('1001')).toMatchObject({ status: 'cancelled', total: 128 });
    // A different source is a different system: the same order id there is another order.
    await postCsv(t, PATH, csv, { query: { source: 'shop-b' } });
    expect(await t.deps.db.select().from(orders)).toHaveLength(4);
  });

  it('stores the order as one Order Completed event with a deterministic message id', async () => {
    await postCsv(t, PATH, 'order_id,user_id,ordered_at,total\nA-1,u-1,1767225600,99.5\n');
    const [event] = await t.deps.db.select().from(events);
    expect(event).toMatchObject({
      source: 'csv',
      messageId: 'csv-order:A-1',
      type: 'track',
      name: 'Order Completed',
      properties: { order_id: 'A-1', total: 99.5, products: [] },
    });
    expect(event!.occurredAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads day-first or month-first dates when told which', async () => {
    const csv = 'order_id,email,ordered_at,price\nD-1,a@example.com,03/04/2026 2:30 PM,1\n';
    await postCsv(t, PATH, csv, { query: { date_format: 'dmy' } });
    expect((await orderOf('D-1'))!.orderedAt.toISOString()).toBe('2026-04-03T14:30:00.000Z');
    await postCsv(t, PATH, csv.replace('D-1', 'M-1'), { query: { date_format: 'mdy' } });
    expect((await orderOf('M-1'))!.orderedAt.toISOString()).toBe('2026-03-04T14:30:00.000Z');
    const impossible = await postCsv(t, PATH, 'order_id,email,ordered_at\nX,a@example.com,2026-02-30\n');
    expect((await impossible.json()).results[0].reason).toMatch(/^ordered_at: '2026-02-30' is not a date/);
  });

  it('refuses an order whose rows disagree on who or when', async () => {
    const csv =
      'order_id,email,ordered_at,price\n' +
      'C-1,ann@example.com,2026-01-01,1\n' +
      'C-1,ANN@example.com,,2\n' +
      'C-1,bob@example.com,2026-01-01,3\n';
    const { results } = await (await postCsv(t, PATH, csv)).json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results[2]).toMatchObject({
      column: 'email',
      reason: "email: 'bob@example.com' differs from row 1 of order C-1; an order has one value",
    });
    expect(results[0].reason).toMatch(/^order C-1 not imported: row 3 is rejected/);
  });

  it('matches identifiers case-insensitively across rows and stores them as written', async () => {
    const csv = 'order_id,email,ordered_at,price\nE-1,Ann@Example.com,2026-01-01,1\nE-1,ann@example.com,,2\n';
    const { results } = await (await postCsv(t, PATH, csv)).json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    const [identity] = await t.deps.db
      .select()
      .from(identities)
      .where(eq(identities.profileId, results[0].profileId));
    expect(identity).toMatchObject({ value: 'ann@example.com', rawValue: 'Ann@Example.com' });
  });

  it('rejects an order with no identifier on any row', async () => {
    const { results } = await (await postCsv(t, PATH, 'order_id,email,ordered_at\nN-1,,2026-01-01\n')).json();
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: 'no identifier: email is empty on every row of order N-1',
    });
  });

  it('needs order_id and ordered_at columns', async () => {
    const res = await postCsv(t, PATH, 'email,price\na@example.com,1\n');
    expect(res.status).toBe(400);
    const messages = (await res.json()).error.details.map((d: { message: string }) => d.message);
    expect(messages).toEqual([
      'no order_id column: every row needs the id of its order',
      'no ordered_at column (also read as order_date, created_at or date)',
    ]);
  });

  it(`rejects a line that comes more than ${ORDER_WINDOW_ROWS} rows after its order was written`, async () => {
    const rows = ['order_id,email,ordered_at,price', 'LATE,late@example.com,2026-01-01,1'];
    for (let i = 0; i < ORDER_WINDOW_ROWS; i++) rows.push(`O-${i},u${i}@example.com,2026-01-01,1`);
    rows.push('LATE,late@example.com,2026-01-01,2');
    const body = await (await postCsv(t, PATH, `${rows.join('\n')}\n`)).json();
    expect(body.summary).toMatchObject({
      rows: ORDER_WINDOW_ROWS + 2,
      created: ORDER_WINDOW_ROWS + 1,
      rejected: 1,
    });
    const late = body.results.find((r: { status: string }) => r.status === 'rejected');
    expect(late).toMatchObject({
      row: ORDER_WINDOW_ROWS + 2,
      column: 'order_id',
      reason: expect.stringMatching(/order LATE \(first seen in row 1\) was already imported or rejected/),
    });
  });
});
