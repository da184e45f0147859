import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeys } from '../../src/db/schema/index.js';
import { hashApiKey } from '../../src/lib/api-key.js';
import { bootstrapAdminKey } from '../../src/services/api-keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('API keys', () => {
  it('shows a new key once and stores only its SHA-256 hash', async () => {
    const res = await t.call('POST', '/v1/admin/api-keys', {
      body: { name: 'segment writer', role: 'ingest' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { key, apiKey } = await res.json();
    expect(key).toMatch(/^ehk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'segment writer', role: 'ingest', revokedAt: null });
    expect(apiKey.hint).toBe(`${key.slice(0, 10)}…`);

    const rows = await t.deps.db.select().from(apiKeys);
    expect(rows.some((row) => row.keyHash === key)).toBe(false);
    expect(rows.find((row) => row.id === apiKey.id)?.keyHash).toBe(await hashApiKey(key));

    const list = await (await t.call('GET', '/v1/admin/api-keys')).text();
    expect(list).not.toContain(key);
    expect(list).not.toContain(await hashApiKey(key));
    expect(JSON.parse(list).items).toHaveLength(2);
  });

  it('rejects an unknown role naming the field', async () => {
    const res = await t.call('POST', '/v1/admin/api-keys', { body: { name: 'x', role: 'root' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].path).toBe('role');
  });

  it('hides revoked keys unless asked, and refuses to revoke the last admin key', async () => {
    const created = await (
      await t.call('POST', '/v1/admin/api-keys', { body: { name: 'temp', role: 'viewer' } })
    ).json();
    await t.call('POST', `/v1/admin/api-keys/${created.apiKey.id}/revoke`);
    const active = await (await t.call('GET', '/v1/admin/api-keys')).json();
    expect(active.items.map((k: { id: string }) => k.id)).not.toContain(created.apiKey.id);
    const all = await (await t.call('GET', '/v1/admin/api-keys?includeRevoked=true')).json();
    expect(all.items.find((k: { id: string }) => k.id === created.apiKey.id).revokedAt).not.toBeNull();

    const admin = active.items.find((k: { role: string }) => k.role === 'admin');
    const res = await t.call('POST', `/v1/admin/api-keys/${admin.id}/revoke`);
    expect(res.status).toBe(409);
  });

  it('answers 404 for an unknown key id', async () => {
    const res = await t.call('POST', '/v1/admin/api-keys/key_doesnotexist/revoke');
    expect(res.status).toBe(404);
  });
});

describe('bootstrap admin key', () => {
  it('generates an admin key only when no active admin exists', async () => {
    const fresh = await createTestApp();
    try {
      // createTestApp already made an admin: nothing to do.
      expect((await bootstrapAdminKey(fresh.deps.db, { now: new Date() })).created).toBeNull();
      await fresh.deps.db.delete(apiKeys);
      const first = await bootstrapAdminKey(fresh.deps.db, { now: new Date() });
      expect(first.created).toBe('generated');
      const res = await fresh.call('GET', '/v1/admin/api-keys', { key: first.key! });
      expect(res.status).toBe(200);
      expect((await bootstrapAdminKey(fresh.deps.db, { now: new Date() })).created).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('registers ESP_HUB_ADMIN_KEY once, and never resurrects it after revocation', async () => {
    await t.deps.db.delete(apiKeys);
    const preset = `ehk_${'a'.repeat(43)}`;
    expect((await bootstrapAdminKey(t.deps.db, { presetKey: preset, now: new Date() })).created).toBe(
      'preset',
    );
    expect((await bootstrapAdminKey(t.deps.db, { presetKey: preset, now: new Date() })).created).toBeNull();
    expect((await t.call('GET', '/v1/admin/api-keys', { key: preset })).status).toBe(200);
  });
});
