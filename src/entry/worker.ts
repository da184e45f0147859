import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { drizzle } from 'drizzle-orm/d1';
import { createApp } from '../app.js';
import type { AppDeps } from '../app-deps.js';
import { createConnectorContext } from '../connector-kit/context.js';
import { migrationStatus } from '../db/migration-status.js';
import * as schema from '../db/schema/index.js';
import { EnvError, parseEnv, workerEnvSchema } from '../env.js';
import { createLogger, errorFields } from '../lib/logger.js';
import { createSecretBox, parseSecretKey } from '../lib/secret-box.js';
import { runScheduled } from '../scheduler/jobs.js';
import { bootstrapAdminKey } from '../services/api-keys.js';

/** Bindings from wrangler.toml plus secrets (`wrangler secret put`). */
export interface WorkerBindings {
  DB: D1Database;
  [name: string]: unknown;
}

interface Runtime {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** Registers ESP_HUB_ADMIN_KEY on first use; Workers have no start-up hook to print a key. */
  ready: Promise<void>;
}

// One runtime per isolate and bindings object: the env is fixed for an isolate's life.
let cached: { bindings: WorkerBindings; runtime: Promise<Runtime> } | undefined;

async function buildRuntime(bindings: WorkerBindings): Promise<Runtime> {
  const env = parseEnv(workerEnvSchema, bindings as Record<string, unknown>);
  const logger = createLogger(env.ESP_HUB_LOG_LEVEL);
  const db = drizzle(bindings.DB, { schema });
  const deps: AppDeps = {
    runtime: 'worker',
    db,
    secrets: await createSecretBox(parseSecretKey(env.ESP_HUB_SECRET_KEY)!),
    logger,
    now: () => new Date(),
    migrationStatus: () => migrationStatus(db, 'd1'),
    connectorContext: (signal) => createConnectorContext({ logger, signal }),
    sqlParamLimit: 100,
    settings: {
      maxBodyBytes: env.ESP_HUB_MAX_BODY_BYTES,
      corsOrigins: env.ESP_HUB_CORS_ORIGINS,
      staleRunMs: env.ESP_HUB_STALE_RUN_MS,
      webhookRetentionDays: env.ESP_HUB_WEBHOOK_RETENTION_DAYS,
      ...(env.ESP_HUB_PUBLIC_URL ? { publicUrl: env.ESP_HUB_PUBLIC_URL } : {}),
      syncTimeBudgetMs: env.ESP_HUB_SYNC_TIME_BUDGET_MS,
    },
  };
  const ready = env.ESP_HUB_ADMIN_KEY
    ? bootstrapAdminKey(db, { presetKey: env.ESP_HUB_ADMIN_KEY, now: new Date() }).then(
        () => undefined,
        (error: unknown) => {
          // Most likely the migrations were not applied yet; /readyz says so. Forget this runtime
          // so the next request tries again instead of answering 401 until a restart.
          logger.error('could not register ESP_HUB_ADMIN_KEY', errorFields(error));
          if (cached?.bindings === bindings) cached = undefined;
        },
      )
    : Promise.resolve();
  return { deps, app: createApp(deps), ready };
}

function runtimeFor(bindings: WorkerBindings): Promise<Runtime> {
  if (!cached || cached.bindings !== bindings) {
    const runtime = buildRuntime(bindings);
    cached = { bindings, runtime };
    // A failed build (bad env) is not cached, so fixing a secret does not need a redeploy.
    runtime.catch(() => {
      if (cached?.runtime === runtime) cached = undefined;
    });
  }
  return cached.runtime;
}

function misconfigured(error: unknown): Response {
  const message = error instanceof EnvError ? error.message : 'worker failed to start; see the logs';
  createLogger().error('worker misconfigured', errorFields(error));
  return Response.json(
    { error: { code: 'unavailable', message, requestId: crypto.randomUUID() } },
    { status: 503 },
  );
}

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
    let runtime: Runtime;
    try {
      runtime = await runtimeFor(bindings);
    } catch (error) {
      return misconfigured(error);
    }
    await runtime.ready;
    return runtime.app.fetch(request, bindings, ctx);
  },

  async scheduled(
    controller: ScheduledController,
    bindings: WorkerBindings,
    ctx: ExecutionContext,
  ): Promise<void> {
    const runtime = await runtimeFor(bindings);
    ctx.waitUntil(runScheduled(runtime.deps, controller.cron));
  },
};
