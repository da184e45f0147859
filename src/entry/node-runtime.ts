import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from '../app-deps.js';
import { createConnectorContext } from '../connector-kit/context.js';
import { createNodeFileStore } from '../connector-kit/node-file-store.js';
import { migrationStatus } from '../db/migration-status.js';
import { openNodeDatabase } from '../db/node-database.js';
import type { NodeEnv } from '../env.js';
import { createPhoneOffload } from '../identity/phone-offload.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { createSecretBox, generateSecretKey, parseSecretKey } from '../lib/secret-box.js';
import { createScoringThreads } from '../recommend/serving/scoring-threads.js';
import { createProfileReader } from '../services/personalize/profile-reader.js';
import { startServingIndex } from '../services/personalize/serving-index/serving-index.js';
import { warmServingCache } from '../services/personalize/serving-index/warm.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * The secret key from the environment, or else from `<data dir>/secret.key`, generated on first
 * start with 0600 permissions. Losing this file makes stored connection secrets unreadable.
 */
export async function loadOrCreateSecretKey(env: NodeEnv, logger: Logger): Promise<Uint8Array<ArrayBuffer>> {
  if (env.ESP_HUB_SECRET_KEY) return parseSecretKey(env.ESP_HUB_SECRET_KEY)!;
  const path = join(env.ESP_HUB_DATA_DIR, 'secret.key');
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = parseSecretKey(existing);
    if (!key)
      throw new Error(`${path} does not hold a valid key (32 bytes, base64url); restore it from backup`);
    return key;
  }
  const generated = generateSecretKey();
  // 'wx' fails if another process created it meanwhile, rather than overwriting its key.
  await writeFile(path, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  logger.warn('generated a new secret key for connection secrets; back it up or set ESP_HUB_SECRET_KEY', {
    path: resolve(path),
  });
  return parseSecretKey(generated)!;
}

export interface NodeRuntime {
  deps: AppDeps;
  close(): void;
}

/** Builds the Node dependencies: data dir, secret key, migrated libSQL database, logger. */
export async function createNodeRuntime(
  env: NodeEnv,
  logger = createLogger(env.ESP_HUB_LOG_LEVEL),
): Promise<NodeRuntime> {
  await mkdir(env.ESP_HUB_DATA_DIR, { recursive: true });
  const secretKey = await loadOrCreateSecretKey(env, logger);
  const url = env.ESP_HUB_DATABASE_URL ?? `file:${join(env.ESP_HUB_DATA_DIR, 'esp-hub.db')}`;
  const database = await openNodeDatabase({
    url,
    authToken: env.ESP_HUB_DATABASE_AUTH_TOKEN,
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  const files = createNodeFileStore(join(env.ESP_HUB_DATA_DIR, 'files'));
  const phoneOffload = createPhoneOffload();
  // Only the embedded file has a second connection to give; libSQL servers are read inline.
  const profileReader = url.startsWith('file:')
    ? createProfileReader(url.slice('file:'.length), logger)
    : undefined;
  const servingIndex =
    url.startsWith('file:') && env.ESP_HUB_SERVING_INDEX === 'on'
      ? startServingIndex(database.db, logger)
      : undefined;
  const deps: AppDeps = {
    runtime: 'node',
    db: database.db,
    secrets: await createSecretBox(secretKey),
    logger,
    now: () => new Date(),
    migrationStatus: () => migrationStatus(database.db, 'drizzle'),
    connectorContext: (signal) => createConnectorContext({ logger, files, signal }),
    sqlParamLimit: 30_000,
    phoneOffload,
    scoringThreads: createScoringThreads(env.ESP_HUB_RECS_THREADS ?? availableParallelism()),
    ...(profileReader ? { profileReader } : {}),
    ...(servingIndex ? { servingIndex } : {}),
    settings: {
      maxBodyBytes: env.ESP_HUB_MAX_BODY_BYTES,
      corsOrigins: env.ESP_HUB_CORS_ORIGINS,
      staleRunMs: env.ESP_HUB_STALE_RUN_MS,
      webhookRetentionDays: env.ESP_HUB_WEBHOOK_RETENTION_DAYS,
      recommendationRefreshDelayMs: env.ESP_HUB_RECS_REFRESH_DELAY_MS,
      ...(env.ESP_HUB_PUBLIC_URL ? { publicUrl: env.ESP_HUB_PUBLIC_URL } : {}),
    },
  };
  // Products for the first sends, read while the serving index loads.
  if (servingIndex) void warmServingCache(deps);
  return {
    deps,
    close: () => {
      // The worker is unref'd: terminating it is tidiness, not a condition for exiting.
      void phoneOffload.close();
      void profileReader?.close();
      servingIndex?.close();
      database.close();
    },
  };
}
