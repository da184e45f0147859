import { solveAssignment } from './hungarian.js';
import type { MicroSegmentModel } from './model.js';
import { type Scaler, scaleRow } from './standardize.js';

/**
 * Cluster ids that survive retraining. k-means numbers its clusters in whatever order the seeding
 * found them, so a retrain on the same customers can call last week's cluster 3 "cluster 0".
 * New centroids are matched one-to-one to the previous ones by the Hungarian method on their
 * Euclidean distances in the NEW standardised space (the previous centroids are kept in the
 * features' units and re-standardised with the new scaler, so both sides are measured alike). A
 * match within `maxDistance` keeps the previous id and label; any other new cluster gets a fresh
 * id, and ids are never reused after their cluster disappears.
 */

export interface CarriedIds {
  ids: number[];
  /** The previous label for a matched cluster, null for a new one. */
  carriedLabels: Array<string | null>;
  nextClusterId: number;
  /** Previous ids no new cluster continues. */
  retired: number[];
}

export function carryClusterIds(params: {
  previous: MicroSegmentModel | null | undefined;
  featureNames: readonly string[];
  scaler: Scaler;
  standardizedCentroids: ReadonlyArray<ArrayLike<number>>;
  sizes: readonly number[];
  maxDistance: number;
}): CarriedIds {
  const { previous, standardizedCentroids, sizes } = params;
  const k = standardizedCentroids.length;
  const ids = new Array<number>(k).fill(0);
  const carriedLabels = new Array<string | null>(k).fill(null);
  const previousClusters = previous?.clusters ?? [];
  // Different features make different spaces: nothing can be the "same" cluster across them.
  const comparable =
    previous !== null &&
    previous !== undefined &&
    previous.features.length === params.featureNames.length &&
    previous.features.every((f, i) => f.name === params.featureNames[i]);

  if (comparable && previousClusters.length > 0) {
    const old = previousClusters.map((cluster) => scaleRow(params.scaler, cluster.centroid));
    const cost = standardizedCentroids.map((centroid) => old.map((o) => euclidean(centroid, o)));
    solveAssignment(cost).forEach((column, row) => {
      if (column < 0 || cost[row]![column]! > params.maxDistance) return;
      ids[row] = previousClusters[column]!.id;
      carriedLabels[row] = previousClusters[column]!.label;
    });
  }

  let nextClusterId = Math.max(previous?.nextClusterId ?? 1, ...previousClusters.map((c) => c.id + 1));
  // Fresh ids go to the largest new clusters first, so a first training numbers them by size.
  const fresh = ids
    .map((id, index) => ({ id, index }))
    .filter((entry) => entry.id === 0)
    .sort((a, b) => sizes[b.index]! - sizes[a.index]! || a.index - b.index);
  for (const entry of fresh) ids[entry.index] = nextClusterId++;

  const kept = new Set(ids);
  const retired = previousClusters.map((c) => c.id).filter((id) => !kept.has(id));
  return { ids, carriedLabels, nextClusterId, retired };
}

function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}
