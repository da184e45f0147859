import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';
import { primarySegments } from '../../services/segments/primary.js';

/** Profiles per page of a full run: bounded memory, and one write per page. */
export const RECOMMENDATION_PAGE_SIZE = 5_000;

/** What the fallback chain and the rules need to know about a profile besides its interactions. */
export interface ProfileContext {
  averageOrderValue?: number;
  /**
   * The shared lists of the profile's "segment" level, best first: its micro-segment (cluster),
   * then its primary segment in each group (groups by name).
   */
  groupKeys: string[];
}

/** The next page of live profile ids after `after`, in id order. */
export async function nextProfilePage(deps: AppDeps, after: string, size: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    deps.db,
    `select id from profiles where id > ? and merged_into is null and deleted_at is null order by id limit ${size}`,
    [after],
  );
  return rows.map((row) => row.id);
}

/** The live profiles among `ids` (merged-away and erased ones have no recommendations). */
export async function liveProfiles(deps: AppDeps, ids: readonly string[]): Promise<string[]> {
  const rows = await selectInChunks([...new Set(ids)], deps.sqlParamLimit, (chunk) =>
    queryRows<{ id: string }>(
      deps.db,
      `select id from profiles where id in (${placeholders(chunk.length)}) and merged_into is null and deleted_at is null`,
      chunk,
    ),
  );
  return [...new Set(rows.map((row) => row.id))].sort();
}

export async function loadProfileContexts(
  deps: AppDeps,
  ids: readonly string[],
): Promise<Map<string, ProfileContext>> {
  const [metrics, scores, primaries] = await Promise.all([
    selectInChunks([...ids], deps.sqlParamLimit, (chunk) =>
      queryRows<{ profileId: string; aov: number | null }>(
        deps.db,
        `select profile_id as profileId, average_order_value as aov from profile_metrics
         where profile_id in (${placeholders(chunk.length)}) and average_order_value is not null`,
        chunk,
      ),
    ),
    selectInChunks([...ids], deps.sqlParamLimit, (chunk) =>
      queryRows<{ profileId: string; clusterId: string }>(
        deps.db,
        `select profile_id as profileId, cluster_id as clusterId from profile_scores
         where profile_id in (${placeholders(chunk.length)}) and cluster_id is not null`,
        chunk,
      ),
    ),
    primarySegments(deps, ids),
  ]);
  const aov = new Map(metrics.map((row) => [row.profileId, row.aov]));
  const cluster = new Map(scores.map((row) => [row.profileId, row.clusterId]));
  const out = new Map<string, ProfileContext>();
  for (const id of ids) {
    const groups = primaries.get(id);
    const segmentKeys = groups
      ? [...groups]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, segment]) => `segment:${segment.id}`)
      : [];
    const clusterId = cluster.get(id);
    const averageOrderValue = aov.get(id);
    out.set(id, {
      ...(averageOrderValue === undefined || averageOrderValue === null ? {} : { averageOrderValue }),
      groupKeys: [...(clusterId === undefined ? [] : [`cluster:${clusterId}`]), ...segmentKeys],
    });
  }
  return out;
}
