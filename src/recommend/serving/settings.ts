import { z } from 'zod';
import { boughtTogetherOptionsSchema } from '../bought-together.js';
import { fallbackSettingsSchema } from '../fallback.js';
import { ruleSettingsSchema } from '../rules.js';

/**
 * How the scheduled recommendation run reads interactions, fits the models and picks each
 * profile's top N (part of the `recommendations` settings document). Defaults: a year of history,
 * the funnel's type weights, item-KNN blended with category affinity, diversity and a price band.
 */
export const servingSettingsSchema = z.object({
  /** N: items stored per profile (the webhook tops up from the shared lists when it needs more). */
  itemsPerProfile: z.number().int().min(1).max(50).default(10),
  /** Items kept in each shared list (global, trending, category, cluster and segment favourites). */
  listSize: z.number().int().min(10).max(1000).default(100),
  interactions: z
    .object({
      /** Purchases, cart adds and views older than this are not read. */
      lookbackDays: z.number().int().min(1).max(3650).default(365),
      typeWeights: z
        .record(z.string(), z.number().nonnegative())
        .default({ purchase: 1, cart_add: 0.5, view: 0.2 }),
      /** Decay of the personal model's interactions (absent: none, as in the offline evaluation). */
      halfLifeDays: z.number().positive().optional(),
    })
    .prefault({}),
  /** `trending`: popularity with recent interactions counting more, halved every this many days. */
  trendingHalfLifeDays: z.number().positive().default(7),
  itemKnn: z
    .object({
      neighbours: z.number().int().positive().max(500).default(50),
      shrinkage: z.number().nonnegative().default(10),
      asymmetry: z.number().min(0).max(1).default(0.7),
      /**
       * A product votes for at most this many candidates (its strongest similarities). Scoring a
       * profile then costs at most items × this, whatever the catalogue size: a best seller is in
       * thousands of neighbour lists, each with a small similarity. On the planted benchmark data
       * (5 folds, p@10) 100 and 200 lose nothing against no cap (0.3235), 50 gives 0.3168, 25 0.2968.
       */
      votesPerItem: z.number().int().positive().max(5000).default(100),
    })
    .prefault({}),
  /** Blend weights of the personal level (rank-normalised, see src/recommend/blend.ts). */
  weights: z
    .object({
      itemKnn: z.number().nonnegative().default(1),
      category: z.number().nonnegative().default(0.3),
    })
    .prefault({}),
  /**
   * Leave out what the profile viewed or put in its cart: browse- and cart-abandonment slots show
   * those; recommendations are for what it has not seen. Purchases follow `rules` instead (bought
   * in the last N days), so consumables come back.
   */
  excludeBrowsed: z.boolean().default(true),
  /** Category affinity: pseudo-interactions that keep one view from deciding a profile's taste. */
  categoryPrior: z.number().nonnegative().default(1),
  boughtTogether: boughtTogetherOptionsSchema
    .extend({ neighbours: z.number().int().positive().default(20) })
    .prefault({}),
  /**
   * The business rules (src/recommend/rules.ts) with serving defaults per field, so setting one
   * rule keeps the others: at most 3 per category, nothing over 3 × the profile's average order
   * value. A cap of `itemsPerProfile` or a wide band switches those off.
   */
  rules: ruleSettingsSchema
    .extend({
      maxPerCategory: z.number().int().positive().default(3),
      priceBand: z
        .object({ min: z.number().nonnegative(), max: z.number().positive() })
        .default({ min: 0, max: 3 }),
    })
    .prefault({}),
  /**
   * Each level is asked for N × overfetch candidates before the rules; 2 (the chain's default is 4)
   * because browsed and recently bought items are excluded before ranking here, not after.
   */
  fallback: fallbackSettingsSchema.prefault({ overfetch: 2 }),
});
export type ServingSettings = z.output<typeof servingSettingsSchema>;
