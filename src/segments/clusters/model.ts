import { z } from 'zod';
import { clusterFeatureSchema } from './options.js';

/**
 * A trained micro-segment model as plain JSON: stored by the caller and handed back at the next
 * retrain, whose clusters then keep the ids and labels of the clusters they continue.
 */

export const clusterSchema = z.object({
  /** Stable across retrains while the cluster stays the "same" one; never reused once retired. */
  id: z.number().int().min(1),
  /** Carried over from the previous model when matched (an admin may have renamed it); else the description. */
  label: z.string(),
  /** Generated from this training's centroid, e.g. "frequent, low order value, outdoor". */
  description: z.string(),
  size: z.number().int().min(0),
  share: z.number().min(0).max(1),
  /** Centroid in the features' own units. */
  centroid: z.array(z.number()),
  /** Centroid in standard deviations from the overall mean, per feature. */
  standardizedCentroid: z.array(z.number()),
  /** True when matched to a cluster of the previous model. */
  carriedOver: z.boolean(),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const kCandidateSchema = z.object({
  k: z.number().int(),
  /** Null when undefined (the silhouette sample showed fewer than two clusters). */
  silhouette: z.number().nullable(),
  inertia: z.number(),
  iterations: z.number().int(),
  converged: z.boolean(),
});
export type KCandidate = z.infer<typeof kCandidateSchema>;

export const microSegmentModelSchema = z.object({
  version: z.literal(1),
  features: z.array(clusterFeatureSchema),
  scaler: z.object({
    means: z.array(z.number()),
    scales: z.array(z.number()),
    constant: z.array(z.boolean()),
  }),
  clusters: z.array(clusterSchema),
  nextClusterId: z.number().int().min(1),
  training: z.object({
    rows: z.number().int().min(0),
    k: z.number().int(),
    silhouette: z.number().nullable(),
    /** False when the silhouette was computed on a sample of `silhouetteSampleSize` rows. */
    silhouetteExact: z.boolean(),
    silhouetteSampleSize: z.number().int(),
    inertia: z.number(),
    seed: z.number().int(),
    candidates: z.array(kCandidateSchema),
  }),
});
export type MicroSegmentModel = z.infer<typeof microSegmentModelSchema>;
