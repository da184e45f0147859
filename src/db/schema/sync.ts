import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A sync: profiles (all, or a segment later) → one destination connection, with a field mapping. */
export const syncs = sqliteTable('syncs', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  destinationId: text('destination_id').notNull(),
  /** The validated mapping and options (see src/sync/definition.ts). */
  definition: text('definition_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** Cron string, UTC; null = only on demand. */
  schedule: text('schedule'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;

/** One execution of a sync. At most one `running` row per sync: a partial unique index says so. */
export const syncRuns = sqliteTable(
  'sync_runs',
  {
    id: text('id').primaryKey(),
    syncId: text('sync_id').notNull(),
    status: text('status', { enum: SYNC_RUN_STATUSES }).notNull(),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull().default(false),
    /** Where to resume: the last profile id whose batch was fully handled. */
    checkpoint: text('checkpoint'),
    counts: text('counts_json', { mode: 'json' })
      .$type<{
        scanned: number;
        unchanged: number;
        sent: number;
        ok: number;
        failed: number;
        skipped: number;
      }>()
      .notNull(),
    total: integer('total'),
    error: text('error_json', { mode: 'json' }).$type<Record<string, unknown>>(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    heartbeatAt: integer('heartbeat_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('sync_runs_one_active').on(table.syncId).where(sql`status = 'running'`),
    index('sync_runs_sync_idx').on(table.syncId, table.startedAt),
  ],
);

/**
 * What each profile looked like, mapped, when it was last delivered to a sync's destination: a
 * profile whose mapped payload has the same fingerprint is not sent again.
 */
export const syncFingerprints = sqliteTable(
  'sync_fingerprints',
  {
    syncId: text('sync_id').notNull(),
    profileId: text('profile_id').notNull(),
    fingerprint: text('fingerprint').notNull(),
    syncedAt: integer('synced_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.syncId, table.profileId] })],
);

/** Records a destination refused, with the reason; retried on the next run. */
export const syncFailures = sqliteTable(
  'sync_failures',
  {
    syncId: text('sync_id').notNull(),
    profileId: text('profile_id').notNull(),
    runId: text('run_id').notNull(),
    error: text('error_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    attempts: integer('attempts').notNull().default(1),
    failedAt: integer('failed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.syncId, table.profileId] })],
);
