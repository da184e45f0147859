import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const CONSENT_CHANNELS = ['email', 'sms', 'push'] as const;
export const CONSENT_STATUSES = ['subscribed', 'unsubscribed', 'never'] as const;

/**
 * Consent per channel, as last stated by a source. Rows stay per origin profile so an unmerge can
 * hand them back; the effective status of a merged profile is the most recent row.
 */
export const consent = sqliteTable(
  'consent',
  {
    originProfileId: text('origin_profile_id').notNull(),
    profileId: text('profile_id').notNull(),
    channel: text('channel', { enum: CONSENT_CHANNELS }).notNull(),
    status: text('status', { enum: CONSENT_STATUSES }).notNull(),
    source: text('source').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.originProfileId, table.channel] }),
    index('consent_profile_idx').on(table.profileId),
  ],
);
