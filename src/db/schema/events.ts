import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Everything a person did, as received (Segment track/page/identify, ESP engagement, …). */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    profileId: text('profile_id').notNull(),
    originProfileId: text('origin_profile_id').notNull(),
    source: text('source').notNull(),
    /** Unique per source: a retried delivery is stored once. */
    messageId: text('message_id').notNull(),
    type: text('type', { enum: ['track', 'page', 'screen', 'identify', 'alias', 'group'] }).notNull(),
    name: text('name'),
    properties: text('properties_json', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default({}),
    context: text('context_json', { mode: 'json' }).$type<Record<string, unknown>>(),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    uniqueIndex('events_source_message_unique').on(table.source, table.messageId),
    index('events_profile_time_idx').on(table.profileId, table.occurredAt),
    index('events_profile_name_time_idx').on(table.profileId, table.name, table.occurredAt),
  ],
);

/**
 * Every event name ever received, so a segment rule naming an event that never arrived gets a
 * warning without scanning millions of events. Ingest adds new names as they come.
 */
export const eventNames = sqliteTable('event_names', {
  name: text('name').primaryKey(),
  firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
});
