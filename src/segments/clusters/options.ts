import { z } from 'zod';

/**
 * What a clustering feature is called and how a description words it. A centroid more than the
 * threshold above the overall mean reads as `high`, below as `low`; defaults are "high <name>" /
 * "low <name>", and for a category-affinity feature the category itself ("outdoor") and
 * "little <category>".
 */
export const clusterFeatureSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['numeric', 'category-affinity']).default('numeric'),
    /** The category a category-affinity feature measures the share or propensity of. */
    category: z.string().min(1).optional(),
    high: z.string().min(1).optional(),
    low: z.string().min(1).optional(),
  })
  .refine((f) => f.kind !== 'category-affinity' || f.category !== undefined, {
    message: 'a category-affinity feature names its category',
    path: ['category'],
  });
export type ClusterFeatureInput = z.input<typeof clusterFeatureSchema>;
export type ClusterFeature = z.output<typeof clusterFeatureSchema>;

export const microSegmentOptionsSchema = z
  .object({
    /** The range of k tried; the one with the best silhouette wins, the smaller k on a tie. */
    kMin: z.number().int().min(2).default(2),
    kMax: z.number().int().min(2).default(10),
    seed: z.number().int().default(1),
    /** k-means++ seedings per k; the lowest inertia is kept. */
    restarts: z.number().int().min(1).default(3),
    maxIterations: z.number().int().min(1).default(100),
    /** Relative to the mean feature variance, as scikit-learn's `tol`. */
    tolerance: z.number().min(0).default(1e-4),
    /** Exact silhouette up to this many rows, a fixed-seed sample of this size beyond. */
    silhouetteSampleSize: z.number().int().min(10).default(3000),
    /** Standard deviations from the overall mean before a feature is mentioned in a description. */
    describeThreshold: z.number().min(0).default(0.5),
    describeMaxTerms: z.number().int().min(1).default(3),
    /**
     * Largest distance, in the standardised space, between a new centroid and a previous one for
     * the new cluster to keep the previous id and label.
     */
    matchMaxDistance: z.number().min(0).default(1),
  })
  .refine((o) => o.kMin <= o.kMax, { message: 'kMin must not exceed kMax', path: ['kMin'] });
export type MicroSegmentOptionsInput = z.input<typeof microSegmentOptionsSchema>;
export type MicroSegmentOptions = z.output<typeof microSegmentOptionsSchema>;
