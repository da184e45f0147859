import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyD1Migrations,
  makeTempDir,
  randomAdminKey,
  randomSecretKey,
  removeDir,
  runWrangler,
  startWranglerDev,
  type WranglerDev,
} from '../helpers/wrangler-dev.js';

/**
 * The Workers entry (`src/entry/worker.ts`) on workerd with a local D1, driven over HTTP the way
 * an admin or an ESP would call it. Two dev servers: one whose D1 has `migrations/` applied, and
 * one whose D1 was left empty, to prove /readyz tells the difference.
 */

const ADMIN_KEY = randomAdminKey();
const vars = {
  ESP_HUB_SECRET_KEY: randomSecretKey(),
  ESP_HUB_ADMIN_KEY: ADMIN_KEY,
  ESP_HUB_LOG_LEVEL: 'warn',
};

let migratedDir: string | undefined;
let emptyDir: string | undefined;
let migrated: WranglerDev | undefined;
let unmigrated: WranglerDev | undefined;

beforeAll(async () => {
  [migratedDir, emptyDir] = await Promise.all([makeTempDir('d1-migrated'), makeTempDir('d1-empty')]);
  await applyD1Migrations(migratedDir);
  // Started together: each spends most of its start-up bundling and booting workerd.
  const started = await Promise.allSettled([
    startWranglerDev({ persistTo: migratedDir, vars, testScheduled: true }),
    startWranglerDev({ persistTo: emptyDir, vars }),
  ]);
  if (started[0].status === 'fulfilled') migrated = started[0].value;
  if (started[1].status === 'fulfilled') unmigrated = started[1].value;
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
});

afterAll(async () => {
  await Promise.all([migrated?.stop(), unmigrated?.stop()]);
  await Promise.all([removeDir(migratedDir), removeDir(emptyDir)]);
});

// The shapes the tests read; the bodies are checked by the assertions, not trusted by these types.
interface ReadyBody {
  status: string;
  checks: {
    database: { ok: boolean; reason?: string };
    migrations: { ok: boolean; applied?: number; expected?: number; pending?: string[]; reason?: string };
  };
}
interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: Array<{ path: string; message: string }>;
  };
}
interface ConnectionBody {
  id: string;
  connectorId: string;
  name: string;
  lastCheck: { at: string; ok: boolean } | null;
}
interface ListBody {
  items: ConnectionBody[];
  nextCursor: string | null;
}

/** A request against a dev server; the body is parsed JSON when it is JSON, else the text. */
async function call<Body = unknown>(
  server: WranglerDev | undefined,
  path: string,
  init: { method?: string; key?: string; body?: unknown } = {},
): Promise<{ status: number; body: Body }> {
  if (!server) throw new Error('wrangler dev did not start');
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.baseUrl + path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (e.g. /__scheduled answers plain text); the raw text is what the test sees.
  }
  return { status: response.status, body: body as Body };
}

/** Checks the status; when it is wrong, the message carries the body and the server's log. */
function expectStatus(
  result: { status: number; body: unknown },
  status: number,
  server: WranglerDev | undefined,
) {
  if (result.status !== status) {
    throw new Error(
      `expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}\n--- wrangler output ---\n${server?.output()}`,
    );
  }
}

function expectEnvelope(body: unknown, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
}

describe('worker entry on workerd, D1 migrated', () => {
  it('answers /healthz', async () => {
    const result = await call(migrated, '/healthz');
    expectStatus(result, 200, migrated);
    expect(result.body).toEqual({ status: 'ok' });
  });

  it('is ready: the database answers and its migrations are current', async () => {
    const result = await call<ReadyBody>(migrated, '/readyz');
    expectStatus(result, 200, migrated);
    expect(result.body.status).toBe('ready');
    expect(result.body.checks.database.ok).toBe(true);
    expect(result.body.checks.migrations).toMatchObject({ ok: true, pending: [] });
    expect(result.body.checks.migrations.applied).toBe(result.body.checks.migrations.expected);
  });

  it('refuses the admin API without a key, with the error envelope', async () => {
    const result = await call(migrated, '/v1/admin/connections');
    expectStatus(result, 401, migrated);
    expectEnvelope(result.body, 'unauthorized');
  });

  it('accepts ESP_HUB_ADMIN_KEY (registered on first request) and lists no connections', async () => {
    const result = await call(migrated, '/v1/admin/connections', { key: ADMIN_KEY });
    expectStatus(result, 200, migrated);
    expect(result.body).toEqual({ items: [], nextCursor: null });
  });

  it('creates a csv connection in D1 and lists it', async () => {
    const created = await call<ConnectionBody>(migrated, '/v1/admin/connections', {
      method: 'POST',
      key: ADMIN_KEY,
      body: { connectorId: 'csv', name: 'x', config: { content: 'email\na@b.co\n' } },
    });
    expectStatus(created, 201, migrated);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^conn_/),
      connectorId: 'csv',
      name: 'x',
    });

    const listed = await call<ListBody>(migrated, '/v1/admin/connections', { key: ADMIN_KEY });
    expectStatus(listed, 200, migrated);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
  });

  it('rejects a config that does not match the connector schema, naming each bad field', async () => {
    const result = await call<ErrorBody>(migrated, '/v1/admin/connections', {
      method: 'POST',
      key: ADMIN_KEY,
      body: { connectorId: 'csv', name: 'bad', config: { content: 42 } },
    });
    expectStatus(result, 400, migrated);
    expect(result.body.error.code).toBe('validation_failed');
    expect(result.body.error.requestId).toEqual(expect.any(String));
    const paths = (result.body.error.details ?? []).map((issue) => issue.path);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path).toMatch(/^config(\.|$)/);
  });

  it('forbids a viewer key from creating connections', async () => {
    const created = await call<{ key: string }>(migrated, '/v1/admin/api-keys', {
      method: 'POST',
      key: ADMIN_KEY,
      body: { name: 'read only', role: 'viewer' },
    });
    expectStatus(created, 201, migrated);
    const viewerKey = created.body.key as string;
    expect(viewerKey).toMatch(/^ehk_/);

    const read = await call(migrated, '/v1/admin/connections', { key: viewerKey });
    expectStatus(read, 200, migrated);

    const write = await call(migrated, '/v1/admin/connections', {
      method: 'POST',
      key: viewerKey,
      body: { connectorId: 'csv', name: 'y', config: { content: 'email\nc@d.co\n' } },
    });
    expectStatus(write, 403, migrated);
    expectEnvelope(write.body, 'forbidden');
  });

  it('runs the scheduled handler for the cron in wrangler.toml: connections get health-checked', async () => {
    const created = await call<ConnectionBody>(migrated, '/v1/admin/connections', {
      method: 'POST',
      key: ADMIN_KEY,
      body: { connectorId: 'csv', name: 'checked by cron', config: { content: 'email\ne@f.co\n' } },
    });
    expectStatus(created, 201, migrated);
    expect(created.body.lastCheck).toBeNull();

    const result = await call(migrated, '/__scheduled?cron=17+*+*+*+*');
    expectStatus(result, 200, migrated);

    // The job runs under ctx.waitUntil, so it may finish after /__scheduled has answered.
    let lastCheck: unknown = null;
    for (const deadline = Date.now() + 10_000; lastCheck === null && Date.now() < deadline; ) {
      const fetched = await call<ConnectionBody>(migrated, `/v1/admin/connections/${created.body.id}`, {
        key: ADMIN_KEY,
      });
      expectStatus(fetched, 200, migrated);
      lastCheck = fetched.body.lastCheck;
      if (lastCheck === null) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(lastCheck).toMatchObject({ at: expect.any(String), ok: expect.any(Boolean) });
  });
});

describe('worker entry on workerd, D1 not migrated', () => {
  it('is alive but not ready, and says why', async () => {
    expectStatus(await call(unmigrated, '/healthz'), 200, unmigrated);
    const result = await call<ReadyBody>(unmigrated, '/readyz');
    expectStatus(result, 503, unmigrated);
    expect(result.body.status).toBe('not_ready');
    expect(result.body.checks.migrations.ok).toBe(false);
    expect(result.body.checks.migrations.reason).toEqual(expect.any(String));
    expect(result.body.checks.migrations.pending?.length).toBeGreaterThan(0);
  });
});

describe('wrangler deploy --dry-run', () => {
  it('bundles the worker without errors', async () => {
    const outdir = await makeTempDir('dry-run');
    try {
      const result = await runWrangler(['deploy', '--dry-run', '--outdir', outdir]);
      if (result.code !== 0)
        throw new Error(`wrangler deploy --dry-run exited ${result.code}:\n${result.output}`);
      expect(await readdir(outdir)).toContain('worker.js');
    } finally {
      await removeDir(outdir);
    }
  });
});
