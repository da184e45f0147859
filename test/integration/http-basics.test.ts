import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('error envelope', () => {
  it('answers an unknown route with a 404 envelope carrying the request id', async () => {
    const res = await t.call('GET', '/v1/nope');
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('not_found');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    expect(body.error.message).toContain('/v1/nope');
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await t.call('POST', '/v1/admin/connections', { body: '{"name": ' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      code: 'bad_request',
      message: 'request body is not valid JSON',
    });
  });

  it('lists the path of every bad field on validation failure', async () => {
    const res = await t.call('POST', '/v1/admin/connections', { body: { name: '', config: 'nope' } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['config', 'connectorId', 'name']);
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'csv', name: 'big', config: { content: 'x'.repeat(70 * 1024) } },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('answers an unexpected error with a generic 500, and logs the details instead', async () => {
    const create = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'csv', name: 'c', config: { content: 'email\na@example.com\n' } },
    });
    const { id } = await create.json();
    // Secrets that cannot be opened (a lost key) are a surprise, not an expected failure.
    t.deps.secrets = {
      seal: t.deps.secrets.seal,
      open: async () => {
        throw new Error('boom: decrypt failed at /secret/internal/path');
      },
    };
    await t.deps.db.run(sql`update connections set secrets_sealed = 'v1.x.y' where id = ${id}`);
    const res = await t.call('GET', `/v1/admin/connections/${id}`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('boom');
    expect(text).not.toContain('at ');
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(t.logLines.some((line) => line.includes('boom') && line.includes('unhandled error'))).toBe(true);
  });
});

describe('request ids and headers', () => {
  it('keeps a caller-supplied X-Request-Id and generates one otherwise', async () => {
    const given = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'esp-send-123' } });
    expect(given.headers.get('x-request-id')).toBe('esp-send-123');
    const generated = await t.call('GET', '/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await t.call('GET', '/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toContain('max-age');
  });

  it('sends no CORS headers by default', async () => {
    const res = await t.call('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only configured origins when CORS is on', async () => {
    const withCors = await createTestApp({ corsOrigins: ['https://admin.example.com'] });
    try {
      const allowed = await withCors.call('GET', '/healthz', {
        headers: { origin: 'https://admin.example.com' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      const other = await withCors.call('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe('health and readiness', () => {
  it('answers /healthz without a key', async () => {
    const res = await t.call('GET', '/healthz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers and migrations are current', async () => {
    const res = await t.call('GET', '/readyz', { key: null });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ready');
    expect(body.checks.migrations).toMatchObject({ ok: true, pending: [] });
  });

  it('is not ready, with the reason, when a migration is missing', async () => {
    await t.deps.db.run(sql`delete from __drizzle_migrations`);
    const res = await t.call('GET', '/readyz', { key: null });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.migrations.ok).toBe(false);
    expect(body.checks.migrations.pending).toContain('0000_foundation');
    expect(body.checks.migrations.reason).toMatch(/not applied/);
  });

  it('is not ready when the database is unreachable', async () => {
    t.deps.db = {
      run: async () => {
        throw new Error('SQLITE_CANTOPEN: unable to open database file');
      },
    } as unknown as typeof t.deps.db;
    const res = await t.call('GET', '/readyz', { key: null });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.database).toEqual({ ok: false, reason: 'database unreachable' });
    expect(JSON.stringify(body)).not.toContain('SQLITE_CANTOPEN');
  });
});

describe('API description', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await t.call('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/readyz',
        '/v1/admin/connections',
        '/v1/admin/connections/{id}',
        '/v1/admin/connections/{id}/check',
        '/v1/admin/api-keys',
        '/v1/admin/api-keys/{id}/revoke',
        '/v1/admin/audit-log',
        '/v1/admin/connectors',
      ]),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/admin/connections'].post.responses['400']).toBeDefined();
  });

  it('serves an API reference page at /docs', async () => {
    const res = await t.call('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    expect(html).toContain('SwaggerUI');
  });
});
