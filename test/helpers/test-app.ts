import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/app-deps.js';
import { createConnectorContext } from '../../src/connector-kit/context.js';
import { createNodeFileStore } from '../../src/connector-kit/node-file-store.js';
import { migrationStatus } from '../../src/db/migration-status.js';
import { openNodeDatabase } from '../../src/db/node-database.js';
import type { ApiKeyRole } from '../../src/db/schema/index.js';
import { MIGRATIONS_FOLDER } from '../../src/entry/node-runtime.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { createSecretBox } from '../../src/lib/secret-box.js';
import { createApiKey } from '../../src/services/api-keys.js';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  dataDir: string;
  adminKey: string;
  logLines: string[];
  /** Creates a key with the given role through the service and returns it in clear. */
  keyFor(role: ApiKeyRole): Promise<string>;
  /** `app.request` with JSON and a bearer key filled in. */
  call(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** A fresh app on a fresh SQLite file built from migrations/, as the Node entry builds it. */
export async function createTestApp(overrides: Partial<AppDeps['settings']> = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'esp-hub-test-'));
  const database = await openNodeDatabase({
    url: `file:${join(dataDir, 'test.db')}`,
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  const logLines: string[] = [];
  const logger: Logger = createLogger('debug', (line) => logLines.push(line));
  const files = createNodeFileStore(join(dataDir, 'files'));
  const deps: AppDeps = {
    runtime: 'node',
    db: database.db,
    secrets: await createSecretBox(crypto.getRandomValues(new Uint8Array(32))),
    logger,
    now: () => new Date(),
    migrationStatus: () => migrationStatus(database.db, 'drizzle'),
    connectorContext: (signal) => createConnectorContext({ logger, files, signal }),
    // D1's limit, so the Node tests exercise the same chunking the Worker needs.
    sqlParamLimit: 100,
    settings: { maxBodyBytes: 64 * 1024, corsOrigins: [], ...overrides },
  };
  const app = createApp(deps);
  const keyFor = async (role: ApiKeyRole) =>
    (await createApiKey(deps.db, { principal: null }, { name: `test ${role}`, role }, new Date())).key;
  const adminKey = await keyFor('admin');
  return {
    app,
    deps,
    dataDir,
    adminKey,
    logLines,
    keyFor,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? adminKey : options.key;
      if (key) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    async close() {
      database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
