import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AppDeps } from '../../src/app-deps.js';
import { createConnectorContext } from '../../src/connector-kit/context.js';
import { migrationStatus } from '../../src/db/migration-status.js';
import { openNodeDatabase } from '../../src/db/node-database.js';
import { MIGRATIONS_FOLDER } from '../../src/entry/node-runtime.js';
import { createPhoneOffload } from '../../src/identity/phone-offload.js';
import { createLogger } from '../../src/lib/logger.js';
import { createSecretBox } from '../../src/lib/secret-box.js';
import { createScoringThreads } from '../../src/recommend/serving/scoring-threads.js';

/**
 * The app's dependencies on a fresh embedded SQLite file in `dir`, as the Node entry builds them,
 * for engine benchmarks that call services directly (no HTTP).
 */
export async function openBenchDeps(dir: string): Promise<{ deps: AppDeps; close(): void }> {
  const database = await openNodeDatabase({
    url: `file:${join(dir, 'bench.db')}`,
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  const logger = createLogger('error');
  const phoneOffload = createPhoneOffload();
  return {
    close: () => {
      void phoneOffload.close();
      database.close();
    },
    deps: {
      runtime: 'node',
      db: database.db,
      secrets: await createSecretBox(crypto.getRandomValues(new Uint8Array(32))),
      logger,
      now: () => new Date(),
      migrationStatus: () => migrationStatus(database.db, 'drizzle'),
      connectorContext: () => createConnectorContext({ logger }),
      // The Node entry's limit; the Worker's D1 limit (100) is exercised by the tests.
      sqlParamLimit: 30_000,
      phoneOffload,
      // As the Node entry: ESP_HUB_RECS_THREADS, else one per core.
      scoringThreads: createScoringThreads(
        process.env.ESP_HUB_RECS_THREADS === undefined
          ? availableParallelism()
          : Number(process.env.ESP_HUB_RECS_THREADS),
      ),
      settings: { maxBodyBytes: 1 << 20, corsOrigins: [] },
    },
  };
}
