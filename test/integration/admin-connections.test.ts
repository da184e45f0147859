import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, connections } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const SECRET = 'Bearer super-secret-token-1234567890';
const csvConfig = (extra: Record<string, unknown> = {}) => ({
  content: 'email,first_name\na@example.com,Ann\n',
  ...extra,
});

const urlConfig = () => ({ url: 'https://crm.example.com/export.csv', authorization: SECRET });

async function createCsv(name = 'crm export', config: Record<string, unknown> = urlConfig()) {
  const res = await t.call('POST', '/v1/admin/connections', { body: { connectorId: 'csv', name, config } });
  expect(res.status).toBe(201);
  return res.json();
}

describe('connections', () => {
  it('creates a connection with the connector config and never returns its secrets', async () => {
    const created = await createCsv();
    expect(created.id).toMatch(/^conn_/);
    expect(created.config.authorization).toBe('[REDACTED]');
    expect(created.config.url).toBe('https://crm.example.com/export.csv');

    for (const path of [
      '/v1/admin/connections',
      `/v1/admin/connections/${created.id}`,
      '/v1/admin/audit-log',
    ]) {
      const text = await (await t.call('GET', path)).text();
      expect(text).not.toContain('super-secret-token');
    }
  });

  it('encrypts secrets at rest and keeps them readable to the server', async () => {
    const created = await createCsv();
    const [row] = await t.deps.db.select().from(connections).where(eq(connections.id, created.id));
    expect(JSON.stringify(row)).not.toContain('super-secret-token');
    expect(row!.secretsSealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(JSON.parse(await t.deps.secrets.open(row!.secretsSealed!))).toEqual({ authorization: SECRET });
  });

  it('rejects config that fails the connector schema, naming each bad field', async () => {
    const res = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'csv', name: 'bad', config: { delimiter: 42 } },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    const paths = body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('config.delimiter');
    expect(paths.every((p: string) => p.startsWith('config'))).toBe(true);
  });

  it('rejects an unknown connector', async () => {
    const res = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'nope', name: 'x', config: {} },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toEqual([
      { path: 'connectorId', message: expect.stringContaining("unknown connector 'nope'") },
    ]);
  });

  it('refuses a duplicate name with 409', async () => {
    await createCsv('dup');
    const res = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'csv', name: 'dup', config: csvConfig() },
    });
    expect(res.status).toBe(409);
  });

  it('updates by merging config and keeps secrets that are omitted or sent back redacted', async () => {
    const created = await createCsv();
    const renamed = await t.call('PATCH', `/v1/admin/connections/${created.id}`, {
      body: { name: 'renamed', config: { delimiter: ';', authorization: '[REDACTED]' } },
    });
    expect(renamed.status).toBe(200);
    const body = await renamed.json();
    expect(body).toMatchObject({ name: 'renamed', config: { delimiter: ';', authorization: '[REDACTED]' } });

    const [row] = await t.deps.db.select().from(connections).where(eq(connections.id, created.id));
    expect(JSON.parse(await t.deps.secrets.open(row!.secretsSealed!))).toEqual({ authorization: SECRET });

    await t.call('PATCH', `/v1/admin/connections/${created.id}`, {
      body: { config: { authorization: 'Bearer rotated' } },
    });
    const [rotated] = await t.deps.db.select().from(connections).where(eq(connections.id, created.id));
    expect(JSON.parse(await t.deps.secrets.open(rotated!.secretsSealed!))).toEqual({
      authorization: 'Bearer rotated',
    });
  });

  it('validates the merged config on update', async () => {
    const created = await createCsv();
    const res = await t.call('PATCH', `/v1/admin/connections/${created.id}`, {
      body: { config: { delimiter: 7 } },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.map((d: { path: string }) => d.path)).toContain(
      'config.delimiter',
    );
  });

  it('lists with a cursor', async () => {
    for (const name of ['a', 'b', 'c']) await createCsv(name, csvConfig());
    const first = await (await t.call('GET', '/v1/admin/connections?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = await (
      await t.call('GET', `/v1/admin/connections?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second.items.map((c: { name: string }) => c.name)).toEqual(['c']);
    expect(second.nextCursor).toBeNull();
  });

  it('deletes, after which the connection is gone', async () => {
    const created = await createCsv();
    expect((await t.call('DELETE', `/v1/admin/connections/${created.id}`)).status).toBe(204);
    expect((await t.call('GET', `/v1/admin/connections/${created.id}`)).status).toBe(404);
    expect((await t.call('DELETE', `/v1/admin/connections/${created.id}`)).status).toBe(404);
  });

  it("runs the connector's check and records the outcome", async () => {
    const ok = await createCsv('ok', csvConfig());
    const okRes = await t.call('POST', `/v1/admin/connections/${ok.id}/check`);
    expect(okRes.status).toBe(200);
    expect((await okRes.json()).ok).toBe(true);

    // No identifier column: the csv connector's check reports invalid_config.
    const bad = await createCsv('no ids', { content: 'first_name\nAnn\n' });
    const badRes = await (await t.call('POST', `/v1/admin/connections/${bad.id}/check`)).json();
    expect(badRes).toMatchObject({ ok: false, error: { code: 'invalid_config' } });
    const stored = await (await t.call('GET', `/v1/admin/connections/${bad.id}`)).json();
    expect(stored.lastCheck).toMatchObject({ ok: false, error: { code: 'invalid_config' } });
  });
});

describe('audit log', () => {
  it('records every admin change with actor, before and after (redacted)', async () => {
    const created = await createCsv();
    await t.call('PATCH', `/v1/admin/connections/${created.id}`, { body: { name: 'renamed' } });
    await t.call('DELETE', `/v1/admin/connections/${created.id}`);

    const res = await t.call('GET', `/v1/admin/audit-log?entityType=connection&entityId=${created.id}`);
    const { items } = await res.json();
    expect(items.map((e: { action: string }) => e.action)).toEqual([
      'connection.delete',
      'connection.update',
      'connection.create',
    ]);
    const update = items[1];
    expect(update.actorName).toBe('test admin');
    expect(update.before.name).toBe('crm export');
    expect(update.after.name).toBe('renamed');
    expect(update.requestId).toBeTruthy();
    expect(JSON.stringify(items)).not.toContain('super-secret-token');
    expect(JSON.stringify(items)).toContain('[REDACTED]');
  });

  it('pages through entries with a cursor and rejects a bad cursor', async () => {
    for (const name of ['a', 'b', 'c']) await createCsv(name, csvConfig());
    const first = await (await t.call('GET', '/v1/admin/audit-log?entityType=connection&limit=2')).json();
    expect(first.items).toHaveLength(2);
    const rest = await (
      await t.call('GET', `/v1/admin/audit-log?entityType=connection&limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(rest.items).toHaveLength(1);
    const all = await t.deps.db.select().from(auditLog).where(eq(auditLog.entityType, 'connection'));
    expect(new Set([...first.items, ...rest.items].map((e: { id: string }) => e.id)).size).toBe(all.length);

    const bad = await t.call('GET', '/v1/admin/audit-log?cursor=garbage');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].path).toBe('query.cursor');
  });
});

describe('connector registry', () => {
  it('lists connectors with capabilities and a config JSON Schema for forms', async () => {
    const { items } = await (await t.call('GET', '/v1/admin/connectors')).json();
    const byId = Object.fromEntries(items.map((c: { id: string }) => [c.id, c]));
    expect(byId.csv.capabilities).toContain('source');
    expect(byId.file.capabilities).toContain('destination');
    expect(byId.file.availableHere).toBe(true);
    expect(byId.csv.configSchema.type).toBe('object');
    expect(byId.csv.configSchema.properties.authorization.writeOnly).toBe(true);
    expect(byId.csv.limits.batchSize).toBeGreaterThan(0);
  });
});

describe('source preview', () => {
  it('shows the first records a source yields, without storing anything', async () => {
    const rows = [
      'email,first_name',
      ...Array.from({ length: 30 }, (_, i) => `p${i}@example.com,P${i}`),
    ].join('\n');
    const created = await createCsv('preview', { content: `${rows}\n` });
    const res = await t.call('POST', `/v1/admin/connections/${created.id}/preview?limit=5`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.truncated).toBe(true);
    expect(body.records).toHaveLength(5);
    expect(body.records[0]).toMatchObject({
      identifiers: { email: 'p0@example.com' },
      traits: { first_name: 'P0' },
    });
  });

  it('refuses to preview a destination', async () => {
    const create = await t.call('POST', '/v1/admin/connections', {
      body: { connectorId: 'file', name: 'exports', config: { format: 'jsonl' } },
    });
    expect(create.status).toBe(201);
    const { id } = await create.json();
    const res = await t.call('POST', `/v1/admin/connections/${id}/preview`);
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain('not a source');
  });
});
