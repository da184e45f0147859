import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ConnectorContext,
  ConnectorError,
  createConnectorContext,
  createMemoryLogger,
  extractVendorMessage,
  parseRateLimitReset,
  parseRetryAfter,
  requestJson,
  requestStream,
} from '../../../src/connector-kit/index.js';

const NOW = new Date('2015-10-21T07:27:30.000Z');
const received: { path: string; method: string; body: string; headers: IncomingMessage['headers'] }[] = [];

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};
const routes: Record<string, Handler> = {
  '/ok': (_req, res) => json(res, 200, { id: 42, name: 'list' }),
  '/pii': (_req, res) => json(res, 200, { contact: { email: 'private.person@example.test' } }),
  '/echo': (req, res, body) => json(res, 200, { method: req.method, body: JSON.parse(body || 'null') }),
  '/empty': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  '/429-seconds': (_req, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': '7' }),
  '/429-date': (_req, res) => json(res, 429, {}, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
  '/429-reset': (_req, res) => json(res, 429, {}, { 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 12) }),
  '/429-bare': (_req, res) => json(res, 429, {}),
  '/500': (_req, res) => json(res, 500, { error: 'boom' }),
  '/503': (_req, res) => json(res, 503, {}, { 'retry-after': '3' }),
  '/401': (_req, res) => json(res, 401, { error: { message: 'API key invalid' } }),
  '/403': (_req, res) => json(res, 403, {}),
  '/400': (_req, res) => json(res, 400, { errors: [{ field: 'email', message: 'email is not valid' }] }),
  '/404-html': (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>Not Found</body></html>');
  },
  '/slow': (_req, res) => {
    // Answers long after any test timeout; the client must give up first.
    const timer = setTimeout(() => json(res, 200, { late: true }), 5_000);
    res.on('close', () => clearTimeout(timer));
  },
  '/slow-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":');
    const timer = setTimeout(() => res.end('1}'), 5_000);
    res.on('close', () => clearTimeout(timer));
  },
  '/not-json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id": 4');
  },
  '/stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end('email\na@example.test\n');
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      received.push({ path: url.pathname, method: req.method ?? '', body, headers: req.headers });
      const handler = routes[url.pathname];
      if (handler) handler(req, res, body);
      else json(res, 404, { message: 'no route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ctx = (overrides: Partial<ConnectorContext> = {}) =>
  createConnectorContext({ logger: createMemoryLogger(), now: () => NOW, ...overrides });
const anything = z.unknown();

async function errorOf(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

describe('requestJson', () => {
  it('returns the body parsed by the schema', async () => {
    const schema = z.object({ id: z.number(), name: z.string() });
    await expect(requestJson({ ctx: ctx(), url: `${base}/ok`, schema })).resolves.toEqual({
      id: 42,
      name: 'list',
    });
  });

  it('sends objects as JSON with a content type, and an accept header', async () => {
    const result = await requestJson({
      ctx: ctx(),
      url: `${base}/echo`,
      method: 'post',
      body: { email: 'a@example.test' },
      schema: z.object({ method: z.string(), body: z.object({ email: z.string() }) }),
    });
    expect(result).toEqual({ method: 'POST', body: { email: 'a@example.test' } });
    const last = received.at(-1)!;
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers.accept).toBe('application/json');
  });

  it('passes an empty body to the schema as undefined', async () => {
    await expect(
      requestJson({ ctx: ctx(), url: `${base}/empty`, schema: z.undefined() }),
    ).resolves.toBeUndefined();
  });

  it('maps a schema mismatch to bad_response naming the path, without values', async () => {
    const schema = z.object({ contact: z.object({ email: z.number() }) });
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/pii`, schema }));
    expect(error).toMatchObject({ code: 'bad_response', retryable: false, field: 'contact.email' });
    expect(error.message).toContain('contact.email:');
    // The value may be personal data; the port in the URL must not be able to collide with it.
    expect(error.message).not.toContain('private.person');
  });

  it('maps a body that is not JSON to bad_response', async () => {
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/not-json`, schema: anything }));
    expect(error).toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('maps 429 with Retry-After in seconds to rate_limited with retryAfterMs', async () => {
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/429-seconds`, schema: anything }));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000, status: 429 });
    expect(error.message).toContain('slow down');
  });

  it('maps 429 with Retry-After as an HTTP-date, measured from ctx.now()', async () => {
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/429-date`, schema: anything }));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
  });

  it('falls back to an X-RateLimit-Reset epoch, and to no hint at all', async () => {
    const reset = await errorOf(requestJson({ ctx: ctx(), url: `${base}/429-reset`, schema: anything }));
    expect(reset).toMatchObject({ code: 'rate_limited', retryAfterMs: 12_000 });
    const bare = await errorOf(requestJson({ ctx: ctx(), url: `${base}/429-bare`, schema: anything }));
    expect(bare).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: undefined });
  });

  it('maps 5xx to a retryable upstream error, keeping a Retry-After', async () => {
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/500`, schema: anything }));
    expect(error).toMatchObject({ code: 'upstream', retryable: true, status: 500 });
    expect(error.message).toContain('boom');
    const unavailable = await errorOf(requestJson({ ctx: ctx(), url: `${base}/503`, schema: anything }));
    expect(unavailable).toMatchObject({ code: 'upstream', retryAfterMs: 3000 });
  });

  it('maps 401 and 403 to auth, not retryable', async () => {
    const unauthorized = await errorOf(requestJson({ ctx: ctx(), url: `${base}/401`, schema: anything }));
    expect(unauthorized).toMatchObject({ code: 'auth', retryable: false, status: 401 });
    expect(unauthorized.message).toContain('API key invalid');
    const forbidden = await errorOf(requestJson({ ctx: ctx(), url: `${base}/403`, schema: anything }));
    expect(forbidden).toMatchObject({ code: 'auth', status: 403 });
  });

  it('maps other 4xx to rejected with the vendor message, ignoring HTML pages', async () => {
    const error = await errorOf(requestJson({ ctx: ctx(), url: `${base}/400`, schema: anything }));
    expect(error).toMatchObject({ code: 'rejected', retryable: false, status: 400 });
    expect(error.message).toMatch(/answered 400: email is not valid$/);
    const html = await errorOf(requestJson({ ctx: ctx(), url: `${base}/404-html`, schema: anything }));
    expect(html.message).toMatch(/answered 404$/);
  });

  it('keeps the query string (where vendors put keys) out of messages', async () => {
    const error = await errorOf(
      requestJson({ ctx: ctx(), url: `${base}/401?api_key=sk_live_secret`, schema: anything }),
    );
    expect(error.message).not.toContain('sk_live_secret');
    expect(error.message).toContain(`GET ${base}/401`);
  });

  it('times out waiting for headers, and while reading the body, as retryable upstream errors', async () => {
    const started = Date.now();
    const error = await errorOf(
      requestJson({ ctx: ctx(), url: `${base}/slow`, schema: anything, timeoutMs: 100 }),
    );
    expect(error).toMatchObject({ code: 'upstream', retryable: true });
    expect(error.message).toContain('timed out after 100 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    const body = await errorOf(
      requestJson({ ctx: ctx(), url: `${base}/slow-body`, schema: anything, timeoutMs: 150 }),
    );
    expect(body.message).toContain('timed out');
  });

  it('maps a network failure to a retryable upstream error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await errorOf(
      requestJson({ ctx: ctx(), url: `http://127.0.0.1:${port}/x`, schema: anything }),
    );
    expect(error).toMatchObject({ code: 'upstream', retryable: true, status: undefined });
    expect(error.message).toContain('failed');
  });

  it('rethrows a cancellation through ctx.signal as the signal reason, not as a ConnectorError', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const outcome = await requestJson({
      ctx: ctx({ signal: controller.signal }),
      url: `${base}/slow`,
      schema: anything,
    }).catch((e: unknown) => e);
    expect(outcome).toBe(reason);
  });

  it('uses the injected fetch and maps an unparseable URL to invalid_config', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      return Response.json({ ok: true });
    }) as typeof fetch;
    await requestJson({
      ctx: ctx({ fetch: fakeFetch }),
      url: 'https://api.example.test/v1',
      schema: anything,
    });
    expect(calls).toEqual(['https://api.example.test/v1']);
    const error = await errorOf(requestJson({ ctx: ctx(), url: 'not a url', schema: anything }));
    expect(error.code).toBe('invalid_config');
  });
});

describe('requestStream', () => {
  it('hands back the unread body of a 2xx answer', async () => {
    const response = await requestStream({ ctx: ctx(), url: `${base}/stream` });
    expect(await response.text()).toBe('email\na@example.test\n');
  });

  it('maps errors the same way', async () => {
    await expect(requestStream({ ctx: ctx(), url: `${base}/429-seconds` })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 7000,
    });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    [' 7 ', 7000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j gives %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseRateLimitReset', () => {
  const nowSeconds = NOW.getTime() / 1000;
  it.each([
    ['30', 30_000],
    [String(nowSeconds + 45), 45_000],
    [String(NOW.getTime() + 2500), 2500],
    [String(nowSeconds - 100), 0],
    ['tomorrow', undefined],
  ])('%j gives %j', (value, expected) => {
    expect(parseRateLimitReset(value, NOW)).toBe(expected);
  });
});

describe('extractVendorMessage', () => {
  it.each([
    ['{"message":"bad email"}', 'bad email'],
    ['{"error":{"message":"nested"}}', 'nested'],
    ['{"error":"invalid_grant","error_description":"token expired"}', 'token expired'],
    ['{"errors":[{"message":"first"},{"message":"second"}]}', 'first'],
    ['{"detail":"problem+json detail","title":"Bad Request"}', 'problem+json detail'],
    ['plain text reason', 'plain text reason'],
    ['<html>oops</html>', undefined],
    ['{"status":400}', undefined],
    ['', undefined],
  ])('%s gives %j', (body, expected) => {
    expect(extractVendorMessage(body)).toBe(expected);
  });

  it('truncates long messages', () => {
    expect(extractVendorMessage(JSON.stringify({ message: 'x'.repeat(1000) }))?.length).toBe(301);
  });
});
