import { z } from 'zod';
import {
  buildInteractionMatrix,
  excludedIndices,
  type InteractionMatrix,
  rowLength,
  weightingSchema,
} from './matrix.js';
import { topItems } from './top-n.js';
import type { Interaction, RecommendationModel, Recommender, ScoredItem } from './types.js';

/**
 * Most popular items: the same list for everyone (minus what the caller excludes). An item's score
 * is the sum of its matrix cells (weight × type weight, decayed when `halfLifeDays` is set: that
 * is "trending", recent interactions counting more). With an item → category map it also answers
 * the most popular items of one category. The baseline every personal algorithm must beat, and
 * the last level of the fallback chain.
 */

export const popularityOptionsSchema = weightingSchema.extend({
  /** item id → category; enables `topInCategory`. */
  categories: z.custom<ReadonlyMap<string, string>>((value) => value instanceof Map).optional(),
});
export type PopularityOptions = z.input<typeof popularityOptionsSchema>;

export interface PopularityModel extends RecommendationModel {
  readonly algorithm: 'popularity';
  /** The n most popular items of a category (empty without a category map or for an unknown one). */
  topInCategory(category: string, n: number, exclude?: ReadonlySet<string>): ScoredItem[];
  /** Every item's score, for callers that combine popularity with something else. */
  scoreOf(itemId: string): number;
}

export function itemPopularity(matrix: InteractionMatrix): Float64Array {
  const scores = new Float64Array(matrix.itemIds.length);
  for (let i = 0; i < scores.length; i++) {
    let sum = 0;
    for (let k = matrix.colStart[i]!; k < matrix.colStart[i + 1]!; k++) sum += matrix.colValues[k]!;
    scores[i] = sum;
  }
  return scores;
}

export function fitPopularity(
  interactions: readonly Interaction[],
  input: PopularityOptions = {},
): PopularityModel {
  const { categories, ...weighting } = popularityOptionsSchema.parse(input);
  const matrix = buildInteractionMatrix(interactions, weighting);
  const scores = itemPopularity(matrix);
  const itemCount = matrix.itemIds.length;
  const skipFor = (exclude: ReadonlySet<string> | undefined, category?: string): Uint8Array => {
    const skip = new Uint8Array(itemCount);
    for (const i of excludedIndices(matrix, exclude)) skip[i] = 1;
    if (category !== undefined) {
      for (let i = 0; i < itemCount; i++) if (categories?.get(matrix.itemIds[i]!) !== category) skip[i] = 1;
    }
    return skip;
  };
  return {
    algorithm: 'popularity',
    recommend: (_userId, n, exclude) =>
      topItems(scores, n, matrix.itemIds, { skip: skipFor(exclude), floor: 0 }),
    topInCategory: (category, n, exclude) =>
      categories ? topItems(scores, n, matrix.itemIds, { skip: skipFor(exclude, category), floor: 0 }) : [],
    scoreOf: (itemId) => {
      const i = matrix.itemIndex.get(itemId);
      return i === undefined ? 0 : scores[i]!;
    },
    userSupport: (userId) => rowLength(matrix, matrix.userIndex.get(userId)),
  };
}

export const popularity: Recommender<PopularityOptions> = { name: 'popularity', fit: fitPopularity };
