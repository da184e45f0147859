import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { EnvError, nodeEnvSchema, parseEnv } from '../env.js';
import { warmRequestPath } from '../http/warm-request-path.js';
import { createLogger, errorFields } from '../lib/logger.js';
import { startNodeScheduler } from '../scheduler/node-cron.js';
import { bootstrapAdminKey } from '../services/api-keys.js';
import { createNodeRuntime } from './node-runtime.js';

const SHUTDOWN_GRACE_MS = 10_000;
const WARM_REQUESTS = 2_000;

async function main(): Promise<void> {
  const env = parseEnv(nodeEnvSchema, process.env);
  const logger = createLogger(env.ESP_HUB_LOG_LEVEL);
  const runtime = await createNodeRuntime(env, logger);
  const { deps } = runtime;

  const bootstrap = await bootstrapAdminKey(deps.db, { presetKey: env.ESP_HUB_ADMIN_KEY, now: deps.now() });
  if (bootstrap.created === 'generated') {
    // Printed once, to stdout only, never logged as a field: it is the only copy.
    process.stdout.write(
      `\n  ESP Hub admin API key (shown once, store it now):\n\n    ${bootstrap.key}\n\n  Use it as: Authorization: Bearer <key>\n\n`,
    );
  } else if (bootstrap.created === 'preset') {
    logger.info('registered ESP_HUB_ADMIN_KEY as the admin key');
  }

  const app = createApp(deps);
  // Before the first request: see warm-request-path.ts (a server that otherwise could stay slow).
  const warmed = await warmRequestPath(app, WARM_REQUESTS);
  if (warmed < WARM_REQUESTS)
    logger.warn('the warm-up requests did not all answer 200', { warmed, of: WARM_REQUESTS });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    logger.info('ESP Hub listening', {
      url: `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${info.port}`,
      docs: '/docs',
    });
  });
  const scheduler = env.ESP_HUB_SCHEDULER === 'on' ? startNodeScheduler(deps) : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting', { graceMs: SHUTDOWN_GRACE_MS });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // Stop taking requests, let in-flight ones and running jobs finish, then close the database.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await scheduler?.stop();
    runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    createLogger().error('failed to start', errorFields(error));
  }
  process.exit(1);
});
