import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeys } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('authentication', () => {
  it('answers 401 without a key', async () => {
    const res = await t.call('GET', '/v1/admin/connections', { key: null });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it('answers 401 for an unknown key', async () => {
    const res = await t.call('GET', '/v1/admin/connections', { key: 'ehk_not-a-real-key' });
    expect(res.status).toBe(401);
  });

  it('accepts the key in X-Api-Key too', async () => {
    const res = await t.call('GET', '/v1/admin/connections', {
      key: null,
      headers: { 'x-api-key': t.adminKey },
    });
    expect(res.status).toBe(200);
  });

  it('stops accepting a key as soon as it is revoked', async () => {
    const viewer = await t.keyFor('viewer');
    expect((await t.call('GET', '/v1/admin/connections', { key: viewer })).status).toBe(200);
    const [row] = await t.deps.db.select().from(apiKeys).where(eq(apiKeys.role, 'viewer'));
    const revoke = await t.call('POST', `/v1/admin/api-keys/${row!.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect((await t.call('GET', '/v1/admin/connections', { key: viewer })).status).toBe(401);
  });

  it('records when a key was last used', async () => {
    const viewer = await t.keyFor('viewer');
    await t.call('GET', '/v1/admin/connections', { key: viewer });
    const [row] = await t.deps.db.select().from(apiKeys).where(eq(apiKeys.role, 'viewer'));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe('roles', () => {
  const cases: Array<
    [
      role: 'admin' | 'editor' | 'viewer' | 'ingest' | 'personalize',
      method: string,
      path: string,
      status: number,
    ]
  > = [
    ['viewer', 'GET', '/v1/admin/connections', 200],
    ['viewer', 'GET', '/v1/admin/connectors', 200],
    ['viewer', 'GET', '/v1/admin/audit-log', 200],
    ['viewer', 'POST', '/v1/admin/connections', 403],
    ['viewer', 'GET', '/v1/admin/api-keys', 403],
    ['editor', 'POST', '/v1/admin/connections', 201],
    ['editor', 'GET', '/v1/admin/api-keys', 403],
    ['editor', 'POST', '/v1/admin/api-keys', 403],
    ['ingest', 'GET', '/v1/admin/connections', 403],
    ['personalize', 'GET', '/v1/admin/connections', 403],
    ['admin', 'GET', '/v1/admin/api-keys', 200],
    ['admin', 'POST', '/v1/admin/connections', 201],
  ];
  it.each(cases)('%s %s %s → %i', async (role, method, path, status) => {
    const key = await t.keyFor(role);
    const body =
      method === 'POST' && path.endsWith('/connections')
        ? { connectorId: 'csv', name: `by ${role}`, config: { content: 'email\na@example.com\n' } }
        : method === 'POST'
          ? { name: 'k', role: 'viewer' }
          : undefined;
    const res = await t.call(method, path, { key, body });
    expect(res.status).toBe(status);
    if (status === 403) expect((await res.json()).error.message).toContain(role);
  });
});

describe('HTTP Basic (Segment write keys)', () => {
  it('accepts the key as the Basic user name with an empty password', async () => {
    const res = await t.call('GET', '/v1/admin/connections', {
      key: null,
      headers: { authorization: `Basic ${btoa(`${t.adminKey}:`)}` },
    });
    expect(res.status).toBe(200);
  });

  it('rejects Basic credentials that are not a key', async () => {
    const res = await t.call('GET', '/v1/admin/connections', {
      key: null,
      headers: { authorization: `Basic ${btoa('nobody:')}` },
    });
    expect(res.status).toBe(401);
    const garbage = await t.call('GET', '/v1/admin/connections', {
      key: null,
      headers: { authorization: 'Basic !!!' },
    });
    expect(garbage.status).toBe(401);
  });
});
