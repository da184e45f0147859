import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { count } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orders, products, profiles } from '../../src/db/schema/index.js';
import { MAX_JSON_RESULTS } from '../../src/services/imports/output.js';
import { ndjsonLines, postCsv, streamOf } from '../fixtures/imports/post-csv.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ maxBodyBytes: 8 * 1024 * 1024 });
});
afterEach(async () => {
  await t.close();
});

const ROWS = 20_000;
const PIECE_ROWS = 250;
const HEADER = 'email,first_name,plan\n';
/** Row i of a generated profile file; every 5000th has no identifier, to be rejected. */
const profileRow = (i: number) =>
  i % 5000 === 4999 ? `,Nobody ${i},free\n` : `user${i}@example.com,User ${i},pro\n`;
const piece = (from: number) => {
  let text = '';
  for (let i = from; i < Math.min(from + PIECE_ROWS, ROWS); i++) text += profileRow(i);
  return text;
};
/** The byte length of the generated file, computed without building it. */
function generatedLength(): number {
  let bytes = HEADER.length;
  for (let i = 0; i < ROWS; i++) bytes += profileRow(i).length;
  return bytes;
}

async function storedProfiles(): Promise<number> {
  const [row] = await t.deps.db.select({ n: count() }).from(profiles);
  return row!.n;
}

/**
 * A body generated a piece at a time as the server reads it: the file never exists in memory.
 * `beforeLast` runs when the server asks for the final piece.
 */
function generatedBody(beforeLast: () => Promise<void> | void) {
  let next = -1;
  return streamOf(async () => {
    if (next === -1) {
      next = 0;
      return HEADER;
    }
    if (next >= ROWS) return undefined;
    if (next + PIECE_ROWS >= ROWS) await beforeLast();
    const text = piece(next);
    next += PIECE_ROWS;
    return text;
  });
}

describe('streaming imports', () => {
  it(`imports ${ROWS} rows read incrementally, storing rows before the upload has ended`, async () => {
    let storedBeforeLastPiece = -1;
    const body = generatedBody(async () => {
      storedBeforeLastPiece = await storedProfiles();
    });
    const res = await postCsv(t, '/v1/admin/imports/profiles', body, {
      headers: { 'content-length': String(generatedLength()) },
    });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.summary).toEqual({ rows: ROWS, created: ROWS - 4, updated: 0, unchanged: 0, rejected: 4 });
    // Chunks were written while the body was still being read: it was never held whole.
    expect(storedBeforeLastPiece).toBeGreaterThan(0);
    expect(storedBeforeLastPiece).toBeLessThan(ROWS - 4);
    // Past the JSON cap only the rejected rows are listed; the summary still counts every row.
    expect(report.results.map((r: { row: number }) => r.row)).toEqual([5000, 10000, 15000, 20000]);
    expect(report.omittedResults).toBe(ROWS - 4);
    expect(report.note).toMatch(/application\/x-ndjson/);
    expect(ROWS).toBeGreaterThan(MAX_JSON_RESULTS);
    expect(await storedProfiles()).toBe(ROWS - 4);
  });

  it('answers NDJSON lines while the upload is still going', async () => {
    let firstLine!: () => void;
    const gotFirstLine = new Promise<void>((resolve) => {
      firstLine = resolve;
    });
    // The last piece is only sent once a result has arrived: this deadlocks unless results stream.
    const body = generatedBody(() => gotFirstLine);
    const res = await postCsv(t, '/v1/admin/imports/profiles', body, {
      accept: 'application/x-ndjson',
      headers: { 'content-length': String(generatedLength()) },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const received: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received.push(value);
      if (value.includes('\n')) firstLine();
    }
    const lines = received
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[0]).toMatchObject({ row: 1, status: 'created' });
    expect(lines.at(-1)).toEqual({
      summary: { rows: ROWS, created: ROWS - 4, updated: 0, unchanged: 0, rejected: 4 },
    });
  });

  it('streams through the Node server: the first results arrive before the upload ends', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const firstHalf = Array.from({ length: 2000 }, (_, i) => `id-${i},Product ${i}\n`).join('');
    const secondHalf = Array.from({ length: 2000 }, (_, i) => `id-${2000 + i},Product ${2000 + i}\n`).join(
      '',
    );
    const payload = `id,title\n${firstHalf}`;
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/admin/imports/products',
            headers: {
              authorization: `Bearer ${t.adminKey}`,
              'content-type': 'text/csv',
              accept: 'application/x-ndjson',
              'content-length': Buffer.byteLength(payload) + Buffer.byteLength(secondHalf),
            },
          },
          (res) => {
            let body = '';
            let sentRest = false;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
              if (!sentRest && body.includes('\n')) {
                sentRest = true;
                req.end(secondHalf);
              }
            });
            res.on('end', () => resolve(body));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.write(payload);
      });
      const lines = text.trim().split('\n');
      expect(lines).toHaveLength(4001);
      expect(JSON.parse(lines.at(-1)!)).toEqual({
        summary: { rows: 4000, created: 4000, updated: 0, unchanged: 0, rejected: 0 },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops at a syntax error part-way, keeping the rows before it and saying so (JSON)', async () => {
    let csv = 'id,title\n';
    for (let i = 0; i < 1200; i++) csv += `p-${i},Product ${i}\n`;
    const chunks = [csv, 'p-x,"bad"quote\n', 'p-y,never read\n'];
    // With a Content-Length the body streams past the app-wide limit check (without one, that check
    // reads it whole first, and the error shows before any row is stored).
    const res = await postCsv(
      t,
      '/v1/admin/imports/products',
      streamOf(() => chunks.shift()),
      { headers: { 'content-length': String(chunks.join('').length) } },
    );
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(/^CSV syntax error at line 1202, column 10: .*after 1200 rows/);
    expect(error.details.summary).toEqual({
      rows: 1200,
      created: 1200,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    expect(error.details.results).toHaveLength(1200);
    const [stored] = await t.deps.db.select({ n: count() }).from(products);
    expect(stored!.n).toBe(1200);
  });

  it('ends the NDJSON stream with the error when the file breaks part-way', async () => {
    const chunks = ['email\n', 'a@example.com\n', 'b@example.com\n"unclosed\n'];
    const res = await postCsv(
      t,
      '/v1/admin/imports/profiles',
      streamOf(() => chunks.shift()),
      { accept: 'application/x-ndjson', headers: { 'content-length': String(chunks.join('').length) } },
    );
    expect(res.status).toBe(200);
    const lines = await ndjsonLines(res);
    expect(lines).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({
      summary: { rows: 2, created: 2 },
      error: { code: 'bad_request', message: expect.stringMatching(/quoted field is never closed/) },
    });
    expect(lines[0]).toMatchObject({ row: 1, status: 'created' });
  });

  it('leaves orders whose rows may continue past a syntax error unwritten, and says why', async () => {
    const chunks = [
      'order_id,email,ordered_at,price\nA,a@example.com,2026-01-01,1\n',
      'A,a@example.com,2026-01-01,2\n"broken\n',
    ];
    const res = await postCsv(
      t,
      '/v1/admin/imports/orders',
      streamOf(() => chunks.shift()),
      { headers: { 'content-length': String(chunks.join('').length) } },
    );
    expect(res.status).toBe(400);
    const { details } = (await res.json()).error;
    expect(details.summary).toMatchObject({ rows: 2, rejected: 2 });
    expect(details.results[1].reason).toBe('order A not imported: the file is unreadable after it');
    const [stored] = await t.deps.db.select({ n: count() }).from(orders);
    expect(stored!.n).toBe(0);
  });

  it('answers 413 when the body is larger than the limit', async () => {
    const small = await createTestApp({ maxBodyBytes: 2048 });
    try {
      let csv = 'email\n';
      for (let i = 0; i < 200; i++) csv += `user${i}@example.com\n`;
      const declared = await postCsv(small, '/v1/admin/imports/profiles', csv, {
        headers: { 'content-length': String(csv.length) },
      });
      expect(declared.status).toBe(413);
      // A body whose declared length is wrong is still cut off, by counting bytes as they stream.
      const pieces = [csv.slice(0, 1000), csv.slice(1000)];
      const counted = await postCsv(
        small,
        '/v1/admin/imports/profiles',
        streamOf(() => pieces.shift()),
        { headers: { 'content-length': '100' } },
      );
      expect(counted.status).toBe(413);
      expect((await counted.json()).error.message).toMatch(/larger than 2048 bytes/);
    } finally {
      await small.close();
    }
  });
});
