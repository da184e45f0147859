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

/**
 * `paused`: stopped at its time budget (Workers) with the checkpoint saved; the next scheduler
 * tick resumes it. `awaiting_confirmation`: the blast guard stopped it before any write; an admin
 * confirms (it goes on) or cancels it.
 */
export const SYNC_RUN_STATUSES = [
  'running',
  'paused',
  'awaiting_confirmation',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** What the blast guard counted before a run wrote anything, and what it decided. */
export interface RunGuard {
  /** checking: the pre-pass is under way; cleared: below the thresholds; tripped: waiting; confirmed: an admin let it go on. */
  phase: 'checking' | 'cleared' | 'tripped' | 'confirmed';
  /** Where the pre-pass resumes (it pages like the run itself). */
  checkpoint: string | null;
  /** Contacts delivered to the destination before this run: the denominator of the shares. */
  contacts: number;
  /** Destination field → contacts whose value would go from non-blank to blank. */
  blanked: Record<string, number>;
  /**
   * What the pre-pass saw: when nothing changed, the run is over without reading its pages again.
   * Absent on runs the guard had no need to read.
   */
  seen?: { scanned: number; unchanged: number; skipped: number; changed: number };
  /** List → its members and how many would leave it (fed once segment lists are synced). */
  lists: Record<string, { members: number; removed: number }>;
  /** The counts over their thresholds, when tripped. */
  tripped?: Array<{
    kind: 'blanked_field' | 'removed_from_list';
    name: string;
    count: number;
    of: number;
    share: number;
    maxShare: number;
  }>;
}

/**
 * One execution of a sync. At most one active row (running, paused or awaiting confirmation) per
 * sync: a partial unique index says so.
 */
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
        /** Contacts added to / taken out of destination lists from segment membership. */
        listAdded?: number;
        listRemoved?: number;
      }>()
      .notNull(),
    total: integer('total'),
    /** The blast guard's pre-pass and verdict; null when the guard did not need to look. */
    guard: text('guard_json', { mode: 'json' }).$type<RunGuard>(),
    error: text('error_json', { mode: 'json' }).$type<Record<string, unknown>>(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    heartbeatAt: integer('heartbeat_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('sync_runs_one_active')
      .on(table.syncId)
      .where(sql`status in ('running', 'paused', 'awaiting_confirmation')`),
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
    /**
     * Which mapped fields were non-blank when delivered (see src/sync/blank-marker.ts), so a run can
     * tell a field going from a value to blank. Null for rows written before the marker existed.
     */
    filledFields: text('filled_fields'),
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

/**
 * Which contacts a sync has put in which destination list (tag, static segment, list): segment
 * membership is synced as differences against this, and mirror mode takes out whoever left. The
 * email is the one the contact was added with, so a removal reaches it after the profile changed.
 */
export const syncListMembers = sqliteTable(
  'sync_list_members',
  {
    syncId: text('sync_id').notNull(),
    list: text('list').notNull(),
    profileId: text('profile_id').notNull(),
    email: text('email').notNull(),
    addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.syncId, table.list, table.profileId] }),
    index('sync_list_members_profile_idx').on(table.profileId),
  ],
);
