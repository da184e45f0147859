import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per customer. A merged profile keeps its row with `mergedInto` pointing at the survivor,
 * so old ids keep resolving; an erased profile keeps a tombstone (`deletedAt`, no PII).
 */
export const profiles = sqliteTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    mergedInto: text('merged_into'),
    /** The winning value of each trait (see profile_traits for every source's value). */
    traits: text('traits_json', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** Where each winning trait came from, so a new value can be judged without reading every source. */
    traitSources: text('trait_sources_json', { mode: 'json' })
      .$type<Record<string, { source: string; at: number }>>()
      .notNull()
      .default({}),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  },
  // Partial: only merged profiles are looked up by `merged_into`, and skipping the NULLs saves an
  // index insert for every new profile ingest creates.
  (table) => [index('profiles_merged_into_idx').on(table.mergedInto).where(sql`merged_into is not null`)],
);

/**
 * Every source's value of every trait, with provenance. `originProfileId` is the profile the value
 * arrived on, so an unmerge can hand it back.
 */
export const profileTraits = sqliteTable(
  'profile_traits',
  {
    profileId: text('profile_id').notNull(),
    originProfileId: text('origin_profile_id').notNull(),
    key: text('key').notNull(),
    source: text('source').notNull(),
    value: text('value_json', { mode: 'json' }).$type<unknown>(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    // The natural key as primary key, and the table WITHOUT ROWID (migration 0005): one b-tree
    // fewer for every trait value ingest writes.
    primaryKey({ columns: [table.originProfileId, table.key, table.source] }),
    index('profile_traits_profile_idx').on(table.profileId, table.key),
  ],
);
