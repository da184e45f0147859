import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect } from '../../db/raw-select.js';

/**
 * Model outputs by the names segment rules (metrics) and sync mappings (`scores.<name>`) use: the
 * profile_scores columns, with the cluster as its label (its id until it has one).
 */
export const SCORE_NAMES = [
  'rfm_r',
  'rfm_f',
  'rfm_m',
  'rfm_group',
  'clv',
  'clv_tier',
  'expected_purchases',
  'p_alive',
  'propensity',
  'cluster',
] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];
export type ScoreValues = Record<ScoreName, string | number | null>;

export function isScoreName(name: string): name is ScoreName {
  return (SCORE_NAMES as readonly string[]).includes(name);
}

/** The scores of these profiles, by profile id; profiles never scored are absent. */
export async function loadScores(
  deps: AppDeps,
  profileIds: readonly string[],
): Promise<Map<string, ScoreValues>> {
  const rows = await selectInChunks([...profileIds], deps.sqlParamLimit, (chunk) =>
    rawSelect<ScoreValues & { profileId: string }>(
      deps.db,
      `select profile_id as profileId, rfm_r, rfm_f, rfm_m, rfm_group, clv, clv_tier, expected_purchases, p_alive,
         propensity, coalesce(cluster_label, cluster_id) as cluster
       from profile_scores where profile_id in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  return new Map(rows.map(({ profileId, ...scores }) => [profileId, scores]));
}
