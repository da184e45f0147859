import type { ConnectorContext } from './connector-kit/types.js';
import type { Db } from './db/client.js';
import type { MigrationStatus } from './db/migration-status.js';
import type { ApiKeyRole } from './db/schema/index.js';
import type { PhoneOffload } from './identity/phone-offload.js';
import type { Logger } from './lib/logger.js';
import type { SecretBox } from './lib/secret-box.js';
import type { ScoringThreads } from './recommend/serving/scoring-model.js';
import type { ProfileReader } from './services/personalize/profile-reader.js';
import type { ServingIndex } from './services/personalize/serving-index/serving-index.js';

/** Everything the app needs from its runtime; entry points build it, tests build it too. */
export interface AppDeps {
  runtime: 'node' | 'worker';
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  now(): Date;
  migrationStatus(): Promise<MigrationStatus>;
  /** A connector context for one operation (Node adds a file store, Workers do not). */
  connectorContext(signal?: AbortSignal): ConnectorContext;
  settings: {
    maxBodyBytes: number;
    corsOrigins: string[];
    /** ESP_HUB_STALE_RUN_MS: when a silent running sync run counts as orphaned (default 2 min). */
    staleRunMs?: number;
    /** ESP_HUB_WEBHOOK_RETENTION_DAYS: how long inbound webhook event ids are kept (default 30). */
    webhookRetentionDays?: number;
    /** ESP_HUB_PUBLIC_URL: the public origin signed URLs are checked against (behind a proxy). */
    publicUrl?: string;
    /**
     * ESP_HUB_SYNC_TIME_BUDGET_MS (Workers): how long one invocation runs syncs before pausing them
     * at a page boundary for the next cron tick. Unset: runs go on to the end (Node).
     */
    syncTimeBudgetMs?: number;
    /**
     * ESP_HUB_RECS_REFRESH_DELAY_MS (Node): how long after ingest queued product activity the
     * personal lists are rescored in the background. Unset: only the minute job drains the queue.
     */
    recommendationRefreshDelayMs?: number;
  };
  /** Node: parses the phones of large ingest batches on another thread (see phone-offload.ts). */
  phoneOffload?: PhoneOffload;
  /** Node, embedded database: the webhook's profile reads on another thread (see profile-reader.ts). */
  profileReader?: ProfileReader;
  /** Node: a full recommendation run scores its pages on these threads (ESP_HUB_RECS_THREADS). */
  scoringThreads?: ScoringThreads;
  /** Node, embedded database: the webhook's profiles held in memory (see serving-index.ts). */
  servingIndex?: ServingIndex;
  /**
   * Most bound parameters one SQL statement may carry: D1 allows 100, SQLite 32,766. Bulk writes
   * and IN-lists are chunked by it.
   */
  sqlParamLimit: number;
}

export interface Principal {
  keyId: string;
  name: string;
  role: ApiKeyRole;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal;
  };
}
