import { count, inArray, or } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import { identities, mergeBlocks } from '../db/schema/index.js';
import { type GraphSnapshot, pairKey } from '../identity/deterministic/types.js';
import { type IdentifierType, identifierFamily } from '../identity/settings.js';

/** The part of the stored identity graph a batch touches: owners of its keys, their counts, blocks. */
export async function loadGraphSnapshot(deps: AppDeps, keys: string[]): Promise<GraphSnapshot> {
  const { db, sqlParamLimit } = deps;
  const owned = await selectInChunks([...new Set(keys)], sqlParamLimit, (chunk) =>
    db
      .select({ key: identities.key, profileId: identities.profileId })
      .from(identities)
      .where(inArray(identities.key, chunk)),
  );
  const owners = new Map(owned.map((row) => [row.key, row.profileId]));
  const profileIds = [...new Set(owners.values())];

  const countRows = await selectInChunks(profileIds, sqlParamLimit, (chunk) =>
    db
      .select({ profileId: identities.profileId, type: identities.type, n: count() })
      .from(identities)
      .where(inArray(identities.profileId, chunk))
      .groupBy(identities.profileId, identities.type),
  );
  const familyCounts = new Map<string, Map<string, number>>();
  for (const row of countRows) {
    const families = familyCounts.get(row.profileId) ?? new Map<string, number>();
    const family = identifierFamily(row.type as IdentifierType);
    families.set(family, (families.get(family) ?? 0) + row.n);
    familyCounts.set(row.profileId, families);
  }

  // Two IN-lists per statement: halve the chunk.
  const blockRows = await selectInChunks(profileIds, Math.floor(sqlParamLimit / 2), (chunk) =>
    db
      .select()
      .from(mergeBlocks)
      .where(or(inArray(mergeBlocks.profileA, chunk), inArray(mergeBlocks.profileB, chunk))),
  );
  const blockedPairs = new Set(blockRows.map((row) => pairKey(row.profileA, row.profileB)));
  return { owners, familyCounts, blockedPairs };
}
