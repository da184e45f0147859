import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** The merge log: every merge with its evidence; an unmerge marks the row undone. */
export const merges = sqliteTable(
  'merges',
  {
    id: text('id').primaryKey(),
    survivorId: text('survivor_id').notNull(),
    mergedId: text('merged_id').notNull(),
    method: text('method', { enum: ['deterministic', 'probabilistic', 'manual'] }).notNull(),
    /** Rule (shared identifier) or score with per-field weights. */
    evidence: text('evidence_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    actor: text('actor').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    undoneAt: integer('undone_at', { mode: 'timestamp_ms' }),
    undoneBy: text('undone_by'),
  },
  (table) => [
    index('merges_survivor_idx').on(table.survivorId),
    index('merges_merged_idx').on(table.mergedId),
  ],
);

/** Pairs an admin split apart: the resolver will not merge them again on its own. */
export const mergeBlocks = sqliteTable(
  'merge_blocks',
  {
    profileA: text('profile_a').notNull(),
    profileB: text('profile_b').notNull(),
    reason: text('reason').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.profileA, table.profileB] })],
);

/** Merges the resolver refused (a limit would break, or the pair is blocked), for review. */
export const identityConflicts = sqliteTable(
  'identity_conflicts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['limit', 'blocked_pair'] }).notNull(),
    /** kind + profiles + identifier: the same conflict met again is recorded once. */
    fingerprint: text('fingerprint').notNull(),
    profileIds: text('profile_ids_json', { mode: 'json' }).$type<string[]>().notNull(),
    identifierType: text('identifier_type'),
    identifierValue: text('identifier_value'),
    detail: text('detail').notNull(),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    uniqueIndex('identity_conflicts_fingerprint_unique').on(table.fingerprint),
    index('identity_conflicts_status_idx').on(table.status, table.createdAt),
  ],
);

/** Probabilistic matches between the thresholds, waiting for a person to decide. */
export const matchReviews = sqliteTable(
  'match_reviews',
  {
    id: text('id').primaryKey(),
    profileA: text('profile_a').notNull(),
    profileB: text('profile_b').notNull(),
    probability: real('probability').notNull(),
    evidence: text('evidence_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'accepted', 'rejected'] })
      .notNull()
      .default('pending'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
    decidedBy: text('decided_by'),
  },
  (table) => [
    uniqueIndex('match_reviews_pair_unique').on(table.profileA, table.profileB),
    index('match_reviews_status_idx').on(table.status, table.probability),
  ],
);

/**
 * GDPR erasures. The identifiers the sync engine needs to delete the person at each destination
 * are kept sealed (AES-GCM) until every destination has confirmed, then dropped.
 */
export const deletions = sqliteTable(
  'deletions',
  {
    id: text('id').primaryKey(),
    profileId: text('profile_id').notNull(),
    identifiersSealed: text('identifiers_sealed'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: integer('requested_at', { mode: 'timestamp_ms' }).notNull(),
    /** Destination connection id → 'pending' | 'done' | error message. */
    propagation: text('propagation_json', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    /** Propagation passes that tried at least one destination; the scheduler gives up after a bound. */
    attempts: integer('attempts').notNull().default(0),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    // One erasure per person: concurrent requests from two instances cannot record it twice.
    uniqueIndex('deletions_profile_unique').on(table.profileId),
    index('deletions_pending_idx').on(table.completedAt),
  ],
);

/** Small JSON settings documents (identity rules, trait precedence, engagement weights). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value_json', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Blocking keys of every live profile under the current linkage model: a new profile is compared
 * only with the profiles it shares a key with. Rebuilt by the full probabilistic pass.
 */
export const profileMatchKeys = sqliteTable(
  'profile_match_keys',
  {
    key: text('key').notNull(),
    profileId: text('profile_id').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.key, table.profileId] }),
    index('profile_match_keys_profile_idx').on(table.profileId),
  ],
);
