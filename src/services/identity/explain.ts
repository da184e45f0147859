import { and, eq, isNull, or } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { merges } from '../../db/schema/index.js';
import { requireCanonical } from './canonical.js';

export type MergeRow = typeof merges.$inferSelect;

export function publicMerge(row: MergeRow) {
  return {
    id: row.id,
    survivorId: row.survivorId,
    mergedId: row.mergedId,
    method: row.method,
    evidence: row.evidence,
    actor: row.actor,
    createdAt: row.createdAt.toISOString(),
    undoneAt: row.undoneAt?.toISOString() ?? null,
    undoneBy: row.undoneBy,
  };
}

/** Live merges touching a profile, either side, oldest first. */
export async function mergesOf(deps: AppDeps, profileId: string): Promise<MergeRow[]> {
  const rows = await deps.db
    .select()
    .from(merges)
    .where(
      and(isNull(merges.undoneAt), or(eq(merges.survivorId, profileId), eq(merges.mergedId, profileId))),
    );
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/**
 * Why two profile ids are one customer: the chain of live merges linking each to their common
 * survivor, each with its evidence (the shared identifier, or the score with per-field weights).
 */
export async function explainPair(deps: AppDeps, a: string, b: string) {
  const [canonicalA, canonicalB] = [
    await requireCanonical(deps, a, 'profile a'),
    await requireCanonical(deps, b, 'profile b'),
  ];
  if (canonicalA !== canonicalB) {
    return {
      same: false as const,
      a: { id: a, canonicalId: canonicalA },
      b: { id: b, canonicalId: canonicalB },
      path: [],
    };
  }
  const path = [...(await pathToSurvivor(deps, a)), ...(await pathToSurvivor(deps, b))];
  const unique = [...new Map(path.map((row) => [row.id, row])).values()];
  return {
    same: true as const,
    a: { id: a, canonicalId: canonicalA },
    b: { id: b, canonicalId: canonicalB },
    path: unique.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime()).map(publicMerge),
  };
}

/** Follows live merge rows from `id` up to the profile that survives it. */
async function pathToSurvivor(deps: AppDeps, id: string): Promise<MergeRow[]> {
  const path: MergeRow[] = [];
  const seen = new Set<string>();
  for (let current = id; !seen.has(current); ) {
    seen.add(current);
    const [row] = await deps.db
      .select()
      .from(merges)
      .where(and(eq(merges.mergedId, current), isNull(merges.undoneAt)));
    if (!row) break;
    path.push(row);
    current = row.survivorId;
  }
  return path;
}
