import {
  type ClusterFeatureInput,
  type MicroSegmentModel,
  matrixFromRows,
  microSegmentModelSchema,
  trainMicroSegments,
} from '../../segments/clusters/index.js';
import { type RfmGroup, scoreRfm } from '../../segments/rfm/index.js';
import type { ModelOutcome } from './fit-clv.js';
import type { CustomerMetrics } from './load-customers.js';
import type { PredictionSettings } from './settings.js';

export interface RfmScores {
  r: number;
  f: number;
  m: number;
  group: RfmGroup | null;
}

/** RFM scores of every buyer, analysed as of `now`. */
export function fitRfm(
  buyers: readonly CustomerMetrics[],
  now: Date,
  settings: PredictionSettings,
): { scores: Map<string, RfmScores>; outcome: ModelOutcome } {
  const result = scoreRfm(
    buyers.map((buyer) => ({
      customerId: buyer.profileId,
      frequency: buyer.orderCount,
      monetary: buyer.totalSpent,
      lastOrderAt: new Date(buyer.lastOrderAt),
    })),
    {
      analysisDate: settings.rfm.analysisDate ? new Date(settings.rfm.analysisDate) : now,
      bins: settings.rfm.bins,
    },
  );
  const scores = new Map<string, RfmScores>();
  for (const score of result.scored) {
    scores.set(score.customerId, { r: score.r, f: score.f, m: score.m, group: score.group });
  }
  return {
    scores,
    outcome: {
      status: 'fitted',
      parameters: { analysisDate: settings.rfm.analysisDate ?? now.toISOString(), bins: settings.rfm.bins },
      metrics: { scored: result.scored.length, breaks: result.breaks },
    },
  };
}

/** Fewer buyers than this and clusters would describe individuals, not groups. */
export const CLUSTERS_MIN_CUSTOMERS = 50;

/**
 * Micro-segments of buyers on standardized RFM, order value, engagement and category shares; the
 * previous model's clusters keep their ids and labels where the new ones continue them.
 */
export function fitClusters(
  buyers: readonly CustomerMetrics[],
  engagementNow: (buyer: CustomerMetrics) => number,
  categoryShares: { categories: string[]; shares: Map<string, number[]> },
  now: Date,
  settings: PredictionSettings,
  previous: unknown,
): { scores: Map<string, { id: string; label: string }>; outcome: ModelOutcome } {
  const scores = new Map<string, { id: string; label: string }>();
  if (buyers.length < CLUSTERS_MIN_CUSTOMERS) {
    return {
      scores,
      outcome: {
        status: 'refused',
        message: `micro-segments need at least ${CLUSTERS_MIN_CUSTOMERS} customers with orders, got ${buyers.length}`,
      },
    };
  }
  const features: ClusterFeatureInput[] = [
    { name: 'recency_days', high: 'lapsed', low: 'recent' },
    { name: 'log_frequency', high: 'frequent', low: 'infrequent' },
    { name: 'log_monetary', high: 'high spend', low: 'low spend' },
    { name: 'aov', high: 'high order value', low: 'low order value' },
    { name: 'engagement', high: 'engaged', low: 'disengaged' },
    ...categoryShares.categories.map((category) => ({
      name: `share_${category}`,
      kind: 'category-affinity' as const,
      category,
    })),
  ];
  const noShares = new Array<number>(categoryShares.categories.length).fill(0);
  const rows = buyers.map((buyer) => [
    (now.getTime() - buyer.lastOrderAt) / 86_400_000,
    Math.log1p(buyer.orderCount),
    Math.log1p(Math.max(buyer.totalSpent, 0)),
    buyer.totalSpent / buyer.orderCount,
    engagementNow(buyer),
    ...(categoryShares.shares.get(buyer.profileId) ?? noShares),
  ]);
  const parsedPrevious = microSegmentModelSchema.safeParse(previous);
  const training = trainMicroSegments({
    data: matrixFromRows(rows, features.length),
    features,
    options: { kMin: settings.clusters.kMin, kMax: settings.clusters.kMax },
    previous: parsedPrevious.success ? parsedPrevious.data : null,
  });
  const labels = new Map(training.model.clusters.map((cluster) => [cluster.id, cluster.label]));
  buyers.forEach((buyer, i) => {
    const id = training.assignments[i]!;
    scores.set(buyer.profileId, { id: `c${id}`, label: labels.get(id) ?? `c${id}` });
  });
  const model: MicroSegmentModel = training.model;
  return {
    scores,
    outcome: {
      status: 'fitted',
      // The whole model: the next retrain matches its centroids to keep ids and labels stable.
      parameters: model as unknown as Record<string, unknown>,
      metrics: {
        k: model.training.k,
        silhouette: model.training.silhouette,
        silhouetteExact: model.training.silhouetteExact,
        sizes: model.clusters.map((cluster) => ({
          id: `c${cluster.id}`,
          label: cluster.label,
          size: cluster.size,
        })),
        retired: training.retiredClusterIds.map((id) => `c${id}`),
      },
    },
  };
}
