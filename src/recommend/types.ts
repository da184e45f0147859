import { z } from 'zod';

/**
 * The shapes every recommendation algorithm shares. Algorithms are pure: they take interactions
 * (already read from wherever the lead's services keep events and orders) and return scored item
 * lists; storage, scheduling and the send-time webhook sit outside this folder.
 */

export const interactionSchema = z.object({
  userId: z.string().min(1),
  itemId: z.string().min(1),
  /** Strength of the interaction (quantity, rating, dwell); 1 when absent. */
  weight: z.number().nonnegative().optional(),
  /** Epoch milliseconds; only time-decayed algorithms read it. */
  at: z.number().optional(),
  /** `purchase`, `cart_add`, `view`, …: looked up in an algorithm's `typeWeights`. */
  type: z.string().optional(),
  /** Order or basket id; "bought together" counts co-occurrence within one basket. */
  basketId: z.string().optional(),
});
export type Interaction = z.infer<typeof interactionSchema>;

export interface ScoredItem {
  itemId: string;
  score: number;
}

export const algorithmNameSchema = z.enum(['popularity', 'item_knn', 'als', 'category', 'bought_together']);
export type AlgorithmName = z.infer<typeof algorithmNameSchema>;

/** A fitted model. Scores are comparable within one answer only (see blend.ts for combining). */
export interface RecommendationModel {
  readonly algorithm: AlgorithmName | 'blend';
  /**
   * The n best items for the user, best first, none of them in `exclude`; only items with a
   * positive score (evidence for them), so an answer may be shorter than n: the fallback chain
   * fills the rest. An unknown user gets what the algorithm has for nobody in particular
   * (popularity: the global list; personal algorithms: nothing).
   */
  recommend(userId: string, n: number, exclude?: ReadonlySet<string>): ScoredItem[];
  /** Items like this one (same neighbourhood, same factors, bought with it), best first. */
  similarItems?(itemId: string, n: number): ScoredItem[];
  /** How many distinct training items the user has: the evidence behind a personal answer. */
  userSupport(userId: string): number;
}

/**
 * An algorithm: `fit` takes the interactions and the options as stored (JSON, defaults filled in
 * by the algorithm's zod schema) and returns a model.
 */
export interface Recommender<OptionsInput> {
  readonly name: AlgorithmName;
  fit(interactions: readonly Interaction[], options?: OptionsInput): RecommendationModel;
}
