import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface RecommendedItem {
  productId: string;
  score: number;
}

/**
 * Each profile's precomputed top-N (scheduled, refreshed after relevant events): the send-time
 * webhook reads this row and applies only cheap request-time filters.
 */
export const profileRecommendations = sqliteTable('profile_recommendations', {
  profileId: text('profile_id').primaryKey(),
  items: text('items_json', { mode: 'json' }).$type<RecommendedItem[]>().notNull(),
  /** Which level of the fallback chain produced the list: personal, segment or global. */
  level: text('level', { enum: ['personal', 'segment', 'global'] }).notNull(),
  confidence: real('confidence').notNull(),
  computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Shared lists: `global`, `category:<name>`, `trending`, `cluster:<id>`, `segment:<id>` favourites,
 * `together:<productId>` (bought together), the fallbacks and the slot sources; and `knn:<productId>`,
 * the items a product votes for in item-item scoring, so one profile can be rescored without a refit.
 */
export const recommendationLists = sqliteTable('recommendation_lists', {
  key: text('key').primaryKey(),
  items: text('items_json', { mode: 'json' }).$type<RecommendedItem[]>().notNull(),
  /** How many profiles the list was fitted on: the evidence behind a fallback level's confidence. */
  support: integer('support').notNull().default(0),
  computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Progress of a full recommendation run, so it resumes (Workers runs it tick by tick): the fit
 * (shared lists) happens once, then profiles are scored page by page after `cursor`.
 */
export const recommendationRuns = sqliteTable('recommendation_runs', {
  id: text('id').primaryKey(),
  /** Last profile id whose page was stored; null before the first page. */
  cursor: text('cursor'),
  counts: text('counts_json', { mode: 'json' })
    .$type<{ profiles: number; personal: number; segment: number; global: number }>()
    .notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  /** When the shared lists were stored; null while the fit has not finished. */
  fittedAt: integer('fitted_at', { mode: 'timestamp_ms' }),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
});

/**
 * Profiles whose personal list is due a rescore after a product view, cart add or order. Ingest
 * adds them in its own transaction (one row per profile, however many events); a drain rescores
 * them shortly after, off the ingest path (src/recommend/serving/refresh-queue.ts). `queuedAt` is
 * the latest event's: a row re-queued while a drain works on it is not taken off the queue.
 */
export const recommendationRefreshQueue = sqliteTable('recommendation_refresh_queue', {
  profileId: text('profile_id').primaryKey(),
  queuedAt: integer('queued_at').notNull(),
});

/** A slot's LiquidJS template per output format, editable through the admin API. */
export const slotTemplates = sqliteTable(
  'slot_templates',
  {
    slot: text('slot').notNull(),
    format: text('format', { enum: ['html', 'text'] }).notNull(),
    template: text('template').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.slot, table.format] })],
);
