import { and, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { identities, profiles } from '../../db/schema/index.js';
import type { PersonRecord } from '../../identity/probabilistic/index.js';

export interface PersonRows {
  ids: string[];
  records: PersonRecord[];
}

/**
 * Live profiles as records for the probabilistic matcher: their winning traits (columns are
 * matched by name: first_name, last_name, birthday, city, zip…) plus their first email and phone.
 * Without `ids`, every live profile.
 */
export async function loadPersonRecords(deps: AppDeps, ids?: string[]): Promise<PersonRows> {
  const { db, sqlParamLimit } = deps;
  const live = and(isNull(profiles.mergedInto), isNull(profiles.deletedAt));
  const rows = ids
    ? await selectInChunks(ids, sqlParamLimit, (chunk) =>
        db
          .select({ id: profiles.id, traits: profiles.traits })
          .from(profiles)
          .where(and(live, inArray(profiles.id, chunk))),
      )
    : await db.select({ id: profiles.id, traits: profiles.traits }).from(profiles).where(live);
  const contact = new Map<string, { email?: string; phone?: string }>();
  const identityRows = await selectInChunks(
    rows.map((row) => row.id),
    sqlParamLimit,
    (chunk) =>
      db
        .select({ profileId: identities.profileId, type: identities.type, value: identities.value })
        .from(identities)
        .where(and(inArray(identities.profileId, chunk), inArray(identities.type, ['email', 'phone']))),
    2,
  );
  for (const row of identityRows) {
    const entry = contact.get(row.profileId) ?? {};
    if (row.type === 'email') entry.email ??= row.value;
    else entry.phone ??= row.value;
    contact.set(row.profileId, entry);
  }
  return {
    ids: rows.map((row) => row.id),
    records: rows.map((row) => ({ ...row.traits, ...contact.get(row.id) })),
  };
}
