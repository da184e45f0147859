import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/app-deps.js';
import { createConnectorContext } from '../../src/connector-kit/context.js';
import { openLibsqlDatabase } from '../../src/db/libsql.js';
import { migrationStatus } from '../../src/db/migration-status.js';
import { MIGRATIONS_FOLDER } from '../../src/entry/node-runtime.js';
import { createLogger } from '../../src/lib/logger.js';
import { createSecretBox } from '../../src/lib/secret-box.js';
import { recomputeRecommendations } from '../../src/recommend/serving/index.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { NOW, seedCatalog, seedShoppers } from '../unit/personalize/fixtures.js';

/**
 * The webhook always answers: on an asynchronous driver (libSQL here, D1 on Workers) a lookup past
 * the time budget, or one that fails, gets a 200 with the global popular items this instance last
 * read and `fallback: true`, logged and counted. The driver is the real libSQL client with a delay
 * or a failure put in front of the profile lookup.
 */
let dir: string;
let close: () => void;
let deps: AppDeps;
let app: ReturnType<typeof createApp>;
let key: string;
let logLines: string[];
let mode: 'normal' | 'slow' | 'failing' | 'down' = 'normal';

beforeEach(async () => {
  mode = 'normal';
  dir = await mkdtemp(join(tmpdir(), 'esp-hub-personalize-'));
  const database = await openLibsqlDatabase({
    url: `file:${join(dir, 'test.db')}`,
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  close = database.close;
  const client = (
    database.db as unknown as { $client: { execute(statement: { sql: string }): Promise<unknown> } }
  ).$client;
  const execute = client.execute.bind(client);
  client.execute = async (statement) => {
    if (mode === 'down') throw new Error('SQLITE_CANTOPEN: unable to open database file');
    if (typeof statement === 'object' && statement.sql.includes('from identities i join profiles p')) {
      if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
      if (mode === 'failing') throw new Error('SQLITE_IOERR: disk I/O error');
    }
    return execute(statement);
  };
  logLines = [];
  const logger = createLogger('debug', (line) => logLines.push(line));
  deps = {
    runtime: 'node',
    db: database.db,
    secrets: await createSecretBox(crypto.getRandomValues(new Uint8Array(32))),
    logger,
    now: () => NOW,
    migrationStatus: () => migrationStatus(database.db, 'drizzle'),
    connectorContext: (signal) => createConnectorContext({ logger, signal }),
    sqlParamLimit: 100,
    settings: { maxBodyBytes: 64 * 1024, corsOrigins: [] },
  };
  await seedCatalog(deps);
  await seedShoppers(deps, 8);
  await recomputeRecommendations(deps);
  app = createApp(deps);
  key = (await createApiKey(deps.db, { principal: null }, { name: 'esp', role: 'personalize' }, new Date()))
    .key;
  mode = 'normal';
});

afterEach(async () => {
  close();
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string) {
  const response = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: await response.json() };
}

describe('the webhook past its budget or failing', () => {
  it('answers 200 with the last known global popular items when the lookup is slower than the budget', async () => {
    const warm = await get('/v1/personalize?email=shoes1@example.com&n=3');
    expect(warm.body.fallback).toBe(false);
    mode = 'slow';
    const started = performance.now();
    const { status, body } = await get('/v1/personalize?email=shoes1@example.com&n=3&slots=hero,recs');
    expect(status).toBe(200);
    // The answer did not wait for the 300 ms lookup (budget 50 ms; generous margin for a busy machine).
    expect(performance.now() - started).toBeLessThan(250);
    expect(body).toMatchObject({ fallback: true, reason: 'timeout', profile: { id: null } });
    expect(body.slots.recs).toMatchObject({ fallback: true, level: 'global' });
    expect(body.slots.recs.items).toHaveLength(3);
    expect(body.slots.hero.items).toHaveLength(1);
    expect(logLines.some((line) => line.includes('past the time budget'))).toBe(true);
  });

  it('answers 200 with fallback content when the lookup fails, and counts it', async () => {
    await get('/v1/personalize?email=hats1@example.com&n=2');
    mode = 'failing';
    const { status, body } = await get('/v1/personalize?email=hats1@example.com&n=2');
    expect(status).toBe(200);
    expect(body).toMatchObject({ fallback: true, reason: 'error' });
    expect(body.slots.recs.items).toHaveLength(2);
    expect(logLines.some((line) => line.includes('SQLITE_IOERR'))).toBe(true);
    const html = await app.request(`/v1/personalize?email=hats1@example.com&format=text&key=${key}`);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('Picked for you');
    mode = 'normal';
    const admin = (await createApiKey(deps.db, { principal: null }, { name: 'a', role: 'admin' }, new Date()))
      .key;
    const metrics = await app.request('/v1/admin/metrics/personalize', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(await metrics.json()).toMatchObject({ answers: { ok: 1, fallback_error: 2 } });
  });

  it('keeps answering a caller it knows when the whole database is down', async () => {
    await get('/v1/personalize?email=shoes2@example.com&n=2');
    mode = 'down';
    const { status, body } = await get('/v1/personalize?email=shoes2@example.com&n=2&slots=recs,popular');
    expect(status).toBe(200);
    expect(body).toMatchObject({ fallback: true, reason: 'error' });
    expect(body.slots.recs.items).toHaveLength(2);
    // A key this instance has never seen cannot be verified: 503, not an answer to a stranger.
    const stranger = await app.request('/v1/personalize?email=shoes2@example.com&key=ehk_unknown');
    expect(stranger.status).toBe(503);
  });

  it('takes its budget from the settings', async () => {
    const admin = (await createApiKey(deps.db, { principal: null }, { name: 'a', role: 'admin' }, new Date()))
      .key;
    const put = await app.request('/v1/admin/settings/recommendations', {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhook: { budgetMs: 2000 } }),
    });
    expect(put.status).toBe(200);
    mode = 'slow';
    const { body } = await get('/v1/personalize?email=shoes1@example.com&n=3');
    expect(body).toMatchObject({ fallback: false, reason: null });
  });
});
