import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentsFor } from '../../src/services/personalize/instruments.js';
import { serveOnLoopback } from '../helpers/loopback-server.js';
import type { TestApp } from '../helpers/test-app.js';
import { createShopApp } from '../unit/personalize/fixtures.js';

/**
 * The webhook over real HTTP on @hono/node-server, as `npm start` serves it: there the route reads
 * headers from Node's request and answers with a plain header object (src/http/request-headers.ts),
 * paths the in-process `app.request` tests do not take.
 */
let t: TestApp;
let server: { host: string; close(): Promise<void> };
let host: string;
let key: string;
beforeEach(async () => {
  t = await createShopApp();
  key = await t.keyFor('personalize');
  server = await serveOnLoopback(t.app.fetch);
  host = server.host;
});
afterEach(async () => {
  await server.close();
  await t.close();
});

const PATH = '/v1/personalize?email=shoes3@example.com&slots=hero,recs&n=4&send_id=s1';

describe('GET /v1/personalize on the Node server', () => {
  it('reads the key, request id and If-None-Match from the request and answers every header', async () => {
    const first = await fetch(host + PATH, {
      headers: { authorization: `Bearer ${key}`, 'x-request-id': 'esp-send-42' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-request-id')).toBe('esp-send-42');
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('private, max-age=300');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = first.headers.get('etag')!;
    const body = await first.text();
    expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body)).toMatchObject({ fallback: false, profile: { id: expect.any(String) } });
    // The same in-process: the Node path changes how headers travel, not the answer.
    const inProcess = await t.app.request(PATH, { headers: { authorization: `Bearer ${key}` } });
    expect(await inProcess.text()).toBe(body);

    const again = await fetch(host + PATH, {
      headers: { authorization: `Bearer ${key}`, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await again.text()).toBe('');
  });

  it('puts the request id on refusals too, and takes the key from the URL', async () => {
    const unauthorized = await fetch(host + PATH, {
      headers: { authorization: 'Bearer nope', 'x-request-id': 'r-401' },
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('x-request-id')).toBe('r-401');
    const badN = await fetch(`${host}/v1/personalize?email=a@example.com&n=99&key=${key}`, {
      headers: { 'x-request-id': 'r-400' },
    });
    expect(badN.status).toBe(400);
    expect(badN.headers.get('x-request-id')).toBe('r-400');
    expect(await badN.json()).toMatchObject({ error: { message: expect.stringContaining('n') } });
  });
});

describe('sends worked out together (Node)', () => {
  it('works out the requests one poll phase read after that phase, all of them together', async () => {
    // A first call reads the key and the settings; the next ones are answered from memory alone.
    const headers = { authorization: `Bearer ${key}` };
    expect((await t.app.request(PATH, { headers })).status).toBe(200);
    const { metrics } = instrumentsFor(t.deps);
    const answeredSoFar = () => metrics.snapshot().answers.ok ?? 0;
    const before = answeredSoFar();
    // Queued before the requests arrive: it runs in this turn's check phase, ahead of the gate.
    // Answers worked out as each request is read would be counted by then; gated ones are not.
    const atCheckPhase = new Promise<number>((resolve) => setImmediate(() => resolve(answeredSoFar())));
    const burst = [t.app.request(PATH, { headers }), t.app.request(PATH, { headers })];
    expect(await atCheckPhase).toBe(before);
    for (const response of await Promise.all(burst)) expect(response.status).toBe(200);
    expect(answeredSoFar()).toBe(before + 2);
  });
});
