import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const connections = sqliteTable(
  'connections',
  {
    id: text('id').primaryKey(),
    connectorId: text('connector_id').notNull(),
    name: text('name').notNull().unique(),
    /** The non-secret part of the connector config, as JSON. */
    configJson: text('config_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The secret fields, JSON then AES-GCM sealed (`v1.iv.ciphertext`); null when there are none. */
    secretsSealed: text('secrets_sealed'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    lastCheckAt: integer('last_check_at', { mode: 'timestamp_ms' }),
    lastCheckOk: integer('last_check_ok', { mode: 'boolean' }),
    lastCheckError: text('last_check_error', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (table) => [index('connections_connector_idx').on(table.connectorId)],
);
