import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Inbound webhook events already taken, by the vendor's event id. ESPs redeliver on timeouts and
 * errors; the primary key makes "an event is processed once" hold across instances. Deliberately
 * free of person data (no email, no profile id): the events themselves live in `events`.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    connectionId: text('connection_id').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.eventId] }),
    index('webhook_events_received_idx').on(table.receivedAt),
  ],
);

/**
 * Outbox of unsubscribes learned from one ESP, to push to the other destinations. Holds the
 * profile id, not the address: the email is looked up when the push runs (so an erasure in between
 * leaves nothing to send), and the row is part of the person's export and erasure.
 */
export const suppressions = sqliteTable(
  'suppressions',
  {
    id: text('id').primaryKey(),
    profileId: text('profile_id').notNull(),
    /** The connection that reported it; it already knows, so it is not pushed to. */
    originConnectionId: text('origin_connection_id').notNull(),
    /** The inbound event type (email.unsubscribed, email.bounced…), for the admin. */
    reason: text('reason').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Destination connection id → 'done' | 'skipped: …' | error message of the last attempt. */
    propagation: text('propagation_json', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    attempts: integer('attempts').notNull().default(0),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    index('suppressions_profile_idx').on(table.profileId),
    index('suppressions_pending_idx').on(table.completedAt, table.createdAt),
  ],
);
