import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A segment: a rule (src/segments/rules) with a name, an optional group in which segments compete
 * by priority for each profile's "primary segment", and a version that every edit bumps.
 */
export const segments = sqliteTable('segments', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  /** Segments in one group compete: each profile's primary segment is its member segment of highest priority. */
  groupName: text('group_name'),
  /** Higher wins within the group. */
  priority: integer('priority').notNull().default(0),
  rule: text('rule_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** When memberships were last fully recomputed (null: never; the next full run does it). */
  computedAt: integer('computed_at', { mode: 'timestamp_ms' }),
  /** Version the memberships were computed with; a newer `version` means they are being recomputed. */
  computedVersion: integer('computed_version'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Every version of every segment's rule, as saved. */
export const segmentVersions = sqliteTable(
  'segment_versions',
  {
    segmentId: text('segment_id').notNull(),
    version: integer('version').notNull(),
    rule: text('rule_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    actor: text('actor').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.segmentId, table.version] })],
);

/** Current members. */
export const segmentMemberships = sqliteTable(
  'segment_memberships',
  {
    segmentId: text('segment_id').notNull(),
    profileId: text('profile_id').notNull(),
    enteredAt: integer('entered_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.segmentId, table.profileId] }),
    index('segment_memberships_profile_idx').on(table.profileId),
  ],
);

/** Entries and exits, with the conditions that changed. */
export const segmentMembershipHistory = sqliteTable(
  'segment_membership_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    segmentId: text('segment_id').notNull(),
    profileId: text('profile_id').notNull(),
    change: text('change', { enum: ['entered', 'left'] }).notNull(),
    /** What made it change: the conditions whose result flipped, or `rule changed` / `profile erased`. */
    reason: text('reason').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    index('segment_history_segment_idx').on(table.segmentId, table.at),
    index('segment_history_profile_idx').on(table.profileId, table.at),
  ],
);

/**
 * When a profile's segment results may next change with no new data, only because time passes (a
 * window sliding past an event, a birthday starting): the earliest such moment over all segments.
 * One row per profile, not per segment, so a full recompute writes few rows; the scheduler
 * re-evaluates every segment for profiles that fall due.
 */
export const segmentChecks = sqliteTable(
  'segment_checks',
  {
    profileId: text('profile_id').primaryKey(),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('segment_checks_due_idx').on(table.dueAt)],
);

/** Progress of the full recompute of every segment, so it resumes (Workers runs it tick by tick). */
export const segmentRecomputes = sqliteTable('segment_recomputes', {
  id: text('id').primaryKey(),
  /** Last profile id whose page was stored; null before the first page. */
  cursor: text('cursor'),
  /** Segment id → version being computed. */
  versions: text('versions_json', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  counts: text('counts_json', { mode: 'json' })
    .$type<{ profiles: number; entered: number; left: number }>()
    .notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
});

/** Per-profile model outputs (RFM, CLV, propensity, cluster), recomputed on schedule. */
export const profileScores = sqliteTable('profile_scores', {
  profileId: text('profile_id').primaryKey(),
  rfmR: integer('rfm_r'),
  rfmF: integer('rfm_f'),
  rfmM: integer('rfm_m'),
  rfmGroup: text('rfm_group'),
  clv: real('clv'),
  clvTier: text('clv_tier', { enum: ['high', 'medium', 'low'] }),
  expectedPurchases: real('expected_purchases'),
  pAlive: real('p_alive'),
  propensity: real('propensity'),
  clusterId: text('cluster_id'),
  clusterLabel: text('cluster_label'),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const MODEL_KINDS = ['rfm', 'clv', 'propensity', 'clusters'] as const;

/** The last fit of each model: parameters, quality figures, or why it refused to fit. */
export const models = sqliteTable('models', {
  kind: text('kind', { enum: MODEL_KINDS }).primaryKey(),
  status: text('status', { enum: ['fitted', 'refused', 'failed'] }).notNull(),
  parameters: text('parameters_json', { mode: 'json' }).$type<Record<string, unknown>>(),
  metrics: text('metrics_json', { mode: 'json' }).$type<Record<string, unknown>>(),
  message: text('message'),
  /** Profiles scored by this fit. */
  scored: integer('scored').notNull().default(0),
  fittedAt: integer('fitted_at', { mode: 'timestamp_ms' }).notNull(),
});
