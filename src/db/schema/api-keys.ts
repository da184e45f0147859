import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const API_KEY_ROLES = ['admin', 'editor', 'viewer', 'ingest', 'personalize'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: API_KEY_ROLES }).notNull(),
    /** SHA-256 of the key; the key itself is never stored. */
    keyHash: text('key_hash').notNull().unique(),
    hint: text('hint').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('api_keys_role_idx').on(table.role, table.revokedAt)],
);
