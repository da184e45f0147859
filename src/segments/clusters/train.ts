import { chooseK } from './choose-k.js';
import { describeClusters, numberDuplicates } from './describe.js';
import type { FeatureMatrix } from './matrix.js';
import type { Cluster, MicroSegmentModel } from './model.js';
import {
  type ClusterFeatureInput,
  clusterFeatureSchema,
  type MicroSegmentOptionsInput,
  microSegmentOptionsSchema,
} from './options.js';
import { carryClusterIds } from './stable-ids.js';
import { applyScaler, fitScaler, unscaleRow } from './standardize.js';

export interface MicroSegmentTraining {
  model: MicroSegmentModel;
  /** The cluster id of each input row, in input order. */
  assignments: Int32Array;
  /** Ids of the previous model that no cluster continues. */
  retiredClusterIds: number[];
}

/**
 * Micro-segments from per-customer feature rows: standardise, choose k by silhouette over the
 * range, describe each cluster, and keep the ids and labels of the previous model's clusters
 * where a new cluster continues one.
 */
export function trainMicroSegments(input: {
  data: FeatureMatrix;
  features: readonly ClusterFeatureInput[];
  options?: MicroSegmentOptionsInput;
  previous?: MicroSegmentModel | null;
}): MicroSegmentTraining {
  const features = input.features.map((f) => clusterFeatureSchema.parse(f));
  const options = microSegmentOptionsSchema.parse(input.options ?? {});
  const { data } = input;
  if (data.cols !== features.length) {
    throw new RangeError(`data has ${data.cols} columns for ${features.length} features`);
  }
  const scaler = fitScaler(data);
  const choice = chooseK(applyScaler(scaler, data), options);
  const { best } = choice;
  const d = data.cols;
  const standardized = Array.from({ length: best.k }, (_, c) =>
    Array.from(best.centers.subarray(c * d, c * d + d)),
  );
  const sizes = Array.from(best.sizes);

  const carried = carryClusterIds({
    previous: input.previous,
    featureNames: features.map((f) => f.name),
    scaler,
    standardizedCentroids: standardized,
    sizes,
    maxDistance: options.matchMaxDistance,
  });
  const descriptions = describeClusters(standardized, features, {
    threshold: options.describeThreshold,
    maxTerms: options.describeMaxTerms,
  });
  // New clusters are labelled by their description, numbered if a carried label already reads so.
  const keptLabels = new Set(carried.carriedLabels.filter((label): label is string => label !== null));
  const freshLabels = numberDuplicates(
    descriptions.filter((_, c) => carried.carriedLabels[c] === null),
    keptLabels,
  );
  let nextFresh = 0;
  const clusters: Cluster[] = standardized.map((centroid, c) => {
    const carriedLabel = carried.carriedLabels[c] ?? null;
    return {
      id: carried.ids[c]!,
      label: carriedLabel ?? freshLabels[nextFresh++]!,
      description: descriptions[c]!,
      size: sizes[c]!,
      share: data.rows === 0 ? 0 : sizes[c]! / data.rows,
      centroid: unscaleRow(scaler, centroid),
      standardizedCentroid: centroid,
      carriedOver: carriedLabel !== null,
    };
  });

  const assignments = new Int32Array(data.rows);
  for (let i = 0; i < data.rows; i++) assignments[i] = carried.ids[best.labels[i]!]!;
  const model: MicroSegmentModel = {
    version: 1,
    features,
    scaler,
    clusters: [...clusters].sort((a, b) => a.id - b.id),
    nextClusterId: carried.nextClusterId,
    training: {
      rows: data.rows,
      k: best.k,
      silhouette: choice.silhouette,
      silhouetteExact: choice.silhouetteExact,
      silhouetteSampleSize: options.silhouetteSampleSize,
      inertia: best.inertia,
      seed: options.seed,
      candidates: choice.candidates,
    },
  };
  return { model, assignments, retiredClusterIds: carried.retired };
}
