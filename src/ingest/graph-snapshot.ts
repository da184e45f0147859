import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import { placeholders, rawSelect } from '../db/raw-select.js';
import { type GraphSnapshot, pairKey } from '../identity/deterministic/types.js';
import { type IdentifierType, identifierFamily } from '../identity/settings.js';

/**
 * The part of the stored identity graph a batch touches: owners of its keys (distinct, as
 * prepareBatch lists them), their counts, blocks.
 * The two big IN-list queries bypass drizzle's builder (see raw-select.ts).
 */
export async function loadGraphSnapshot(deps: AppDeps, distinctKeys: string[]): Promise<GraphSnapshot> {
  const { db, sqlParamLimit } = deps;
  const owned = await selectInChunks(distinctKeys, sqlParamLimit, (chunk) =>
    rawSelect<{ key: string; profileId: string }>(
      db,
      `select key, profile_id as profileId from identities where key in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const owners = new Map(owned.map((row) => [row.key, row.profileId]));
  const profileIds = [...new Set(owners.values())];

  const countRows = await selectInChunks(profileIds, sqlParamLimit, (chunk) =>
    rawSelect<{ profileId: string; type: string; n: number }>(
      db,
      `select profile_id as profileId, type, count(*) as n from identities where profile_id in (${placeholders(chunk.length)}) group by profile_id, type`,
      chunk,
    ),
  );
  const familyCounts = new Map<string, Map<string, number>>();
  for (const row of countRows) {
    const families = familyCounts.get(row.profileId) ?? new Map<string, number>();
    const family = identifierFamily(row.type as IdentifierType);
    families.set(family, (families.get(family) ?? 0) + Number(row.n));
    familyCounts.set(row.profileId, families);
  }

  // Two IN-lists per statement: halve the chunk.
  const blockRows = await selectInChunks(profileIds, Math.floor(sqlParamLimit / 2), (chunk) =>
    rawSelect<{ profileA: string; profileB: string }>(
      db,
      `select profile_a as profileA, profile_b as profileB from merge_blocks
       where profile_a in (${placeholders(chunk.length)}) or profile_b in (${placeholders(chunk.length)})`,
      [...chunk, ...chunk],
    ),
  );
  const blockedPairs = new Set(blockRows.map((row) => pairKey(row.profileA, row.profileB)));
  return { owners, familyCounts, blockedPairs };
}
