import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per admin change: who, what, when, before/after (secrets already redacted). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    actorKeyId: text('actor_key_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before_json', { mode: 'json' }).$type<unknown>(),
    after: text('after_json', { mode: 'json' }).$type<unknown>(),
    requestId: text('request_id'),
  },
  (table) => [
    index('audit_log_entity_idx').on(table.entityType, table.entityId, table.at),
    index('audit_log_at_idx').on(table.at),
  ],
);
