import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic, type Statement } from '../../db/atomic.js';
import { bulkInsert } from '../../db/bulk.js';
import { models, profileScores } from '../../db/schema/segments.js';
import { engagementAt } from '../../ingest/metrics.js';
import { loadSettings } from '../settings.js';
import { fitClv, fitPropensity, type ModelOutcome } from './fit-clv.js';
import { fitClusters, fitRfm } from './fit-segments.js';
import { loadBuyers, loadCategoryShares, loadTransactions } from './load-customers.js';

export interface ScoresSummary {
  scored: number;
  models: Record<'rfm' | 'clv' | 'propensity' | 'clusters', ModelOutcome>;
}

/**
 * Refits every customer model and stores the scores (RFM, CLV and tier, P(alive), expected
 * purchases, propensity, micro-segment) in profile_scores, where segment rules and merge fields
 * read them, plus each model's parameters and quality in `models`. Runs on schedule and on demand.
 */
export async function recomputeScores(deps: AppDeps): Promise<ScoresSummary> {
  const settings = await loadSettings(deps);
  const now = deps.now();
  const [buyers, transactions, categories, previousClusters] = await Promise.all([
    loadBuyers(deps),
    loadTransactions(deps),
    loadCategoryShares(deps, settings.predictions.clusters.categories),
    deps.db.select().from(models).where(eq(models.kind, 'clusters')),
  ]);

  const rfm = fitRfm(buyers, now, settings.predictions);
  const clv = fitClv(transactions, now, settings.predictions);
  const propensity = fitPropensity(transactions, now, settings.predictions);
  const clusters = fitClusters(
    buyers,
    (buyer) => engagementAt(buyer, now.getTime(), settings.engagement),
    categories,
    now,
    settings.predictions,
    previousClusters[0]?.status === 'fitted' ? previousClusters[0].parameters : null,
  );

  const rows = buyers.map((buyer) => {
    const id = buyer.profileId;
    const r = rfm.scores.get(id);
    const c = clv.scores.get(id);
    const cluster = clusters.scores.get(id);
    return {
      profileId: id,
      rfmR: r?.r ?? null,
      rfmF: r?.f ?? null,
      rfmM: r?.m ?? null,
      rfmGroup: r?.group ?? null,
      clv: c?.clv ?? null,
      clvTier: c?.tier ?? null,
      expectedPurchases: c?.expectedPurchases ?? null,
      pAlive: c?.pAlive ?? null,
      propensity: propensity.scores.get(id) ?? null,
      clusterId: cluster?.id ?? null,
      clusterLabel: cluster?.label ?? null,
      updatedAt: now,
    };
  });
  const outcomes = {
    rfm: rfm.outcome,
    clv: clv.outcome,
    propensity: propensity.outcome,
    clusters: clusters.outcome,
  };
  const scoredBy = {
    rfm: rfm.scores.size,
    clv: clv.scores.size,
    propensity: propensity.scores.size,
    clusters: clusters.scores.size,
  };
  const writes: Statement[] = [
    ...bulkInsert(
      profileScores,
      rows,
      deps.sqlParamLimit,
      `on conflict (profile_id) do update set ${SCORE_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`,
    ),
    // Profiles that are no longer buyers (refunds, merges, erasure) lose their old scores.
    deps.db.delete(profileScores).where(sql`${profileScores.updatedAt} < ${now.getTime()}`),
    ...(Object.keys(outcomes) as Array<keyof typeof outcomes>).map((kind) => {
      const row = { ...outcomeRow(outcomes[kind], scoredBy[kind]), fittedAt: now };
      return deps.db
        .insert(models)
        .values({ kind, ...row })
        .onConflictDoUpdate({ target: models.kind, set: row });
    }),
  ];
  await atomic(deps.db, writes);
  deps.logger.info('customer scores recomputed', {
    buyers: rows.length,
    ...Object.fromEntries(Object.entries(outcomes).map(([kind, outcome]) => [kind, outcome.status])),
  });
  return { scored: rows.length, models: outcomes };
}

/** Every profile_scores column but the key: a rescore replaces the whole row. */
const SCORE_COLUMNS = Object.values(getTableColumns(profileScores))
  .map((column) => column.name)
  .filter((name) => name !== 'profile_id');

function outcomeRow(outcome: ModelOutcome, scored: number) {
  return {
    status: outcome.status,
    parameters: outcome.parameters ?? null,
    metrics: outcome.metrics ?? null,
    message: outcome.message ?? null,
    scored,
  };
}
