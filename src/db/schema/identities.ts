import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Identifiers that point at a profile. `key` (type + value) is the primary key: an identifier
 * belongs to one profile at a time, which is the deterministic graph's invariant, enforced by the
 * database. (No surrogate id: a second unique index cost every ingested identifier a b-tree insert.)
 */
export const identities = sqliteTable(
  'identities',
  {
    profileId: text('profile_id').notNull(),
    /** The profile the identifier first joined; an unmerge hands it back there. */
    originProfileId: text('origin_profile_id').notNull(),
    /**
     * `type` and `value` joined by a unit separator (U+001F; a NUL would be cut off by SQLite's C
     * strings): one column, so lookups bind one parameter per key (D1 allows 100).
     */
    key: text('key').primaryKey(),
    /** `email`, `phone`, `user_id`, `anonymous_id`, or `external:<source>`. */
    type: text('type').notNull(),
    /** Normalized value (lowercased email, E.164 phone, …); what matching uses. */
    value: text('value').notNull(),
    /** As received, for export and for audit of normalization. */
    rawValue: text('raw_value').notNull(),
    /** False when the value failed validation (a malformed email): stored as given and flagged. */
    valid: integer('valid', { mode: 'boolean' }).notNull(),
    source: text('source').notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('identities_profile_idx').on(table.profileId, table.type)],
);
