import { z } from 'zod';
import { buildInteractionMatrix, excludedIndices, rowLength, weightingSchema } from './matrix.js';
import { itemPopularity } from './popularity.js';
import { topItems } from './top-n.js';
import type { Interaction, RecommendationModel, Recommender } from './types.js';

/**
 * Content-based: what share of a user's interactions falls in each category, times how popular an
 * item is inside its category. Read as "the probability that the user's next item is this one":
 *   score(u, i) = P(category of i | u) · P(i | its category)
 *   P(c | u) = (r_uc + prior · P(c)) / (r_u + prior)   smoothed towards the overall category mix, so
 *              one view does not make a category the user's whole world
 *   P(i | c) = popularity(i) / popularity of all items of c
 * Needs only an item → category map, so it also serves items too new for co-interaction signals,
 * and it explains itself ("because you buy shoes").
 */

export const categoryAffinityOptionsSchema = weightingSchema.extend({
  categories: z.custom<ReadonlyMap<string, string>>((value) => value instanceof Map),
  /** Pseudo-interactions spread over categories as the whole data spreads them. */
  prior: z.number().nonnegative().default(1),
});
export type CategoryAffinityOptions = z.input<typeof categoryAffinityOptionsSchema>;

export interface CategoryAffinityModel extends RecommendationModel {
  readonly algorithm: 'category';
  /** The user's smoothed share per category, largest first. */
  affinities(userId: string): { category: string; share: number }[];
}

export function fitCategoryAffinity(
  interactions: readonly Interaction[],
  input: CategoryAffinityOptions,
): CategoryAffinityModel {
  const { categories, prior, ...weighting } = categoryAffinityOptionsSchema.parse(input);
  const matrix = buildInteractionMatrix(interactions, weighting);
  const itemCount = matrix.itemIds.length;
  const categoryNames: string[] = [];
  const categoryIndex = new Map<string, number>();
  // −1: the item has no category and gets no score from this model.
  const categoryOf = Int32Array.from(matrix.itemIds, (itemId) => {
    const name = categories.get(itemId);
    if (name === undefined) return -1;
    let c = categoryIndex.get(name);
    if (c === undefined) {
      c = categoryNames.length;
      categoryIndex.set(name, c);
      categoryNames.push(name);
    }
    return c;
  });
  const popularity = itemPopularity(matrix);
  const categoryMass = new Float64Array(categoryNames.length);
  for (let i = 0; i < itemCount; i++)
    if (categoryOf[i]! >= 0) categoryMass[categoryOf[i]!]! += popularity[i]!;
  const totalMass = categoryMass.reduce((sum, mass) => sum + mass, 0);
  const shares = (u: number | undefined): Float64Array => {
    const mass = new Float64Array(categoryNames.length);
    let total = 0;
    if (u !== undefined) {
      for (let k = matrix.rowStart[u]!; k < matrix.rowStart[u + 1]!; k++) {
        const c = categoryOf[matrix.rowItems[k]!]!;
        if (c < 0) continue;
        mass[c]! += matrix.rowValues[k]!;
        total += matrix.rowValues[k]!;
      }
    }
    return mass.map((value, c) =>
      total + prior > 0 && totalMass > 0
        ? (value + (prior * categoryMass[c]!) / totalMass) / (total + prior)
        : 0,
    );
  };
  return {
    algorithm: 'category',
    recommend(userId, n, exclude) {
      const u = matrix.userIndex.get(userId);
      if (u === undefined) return [];
      const share = shares(u);
      const scores = new Float64Array(itemCount);
      for (let i = 0; i < itemCount; i++) {
        const c = categoryOf[i]!;
        if (c >= 0 && categoryMass[c]! > 0) scores[i] = (share[c]! * popularity[i]!) / categoryMass[c]!;
      }
      const skip = new Uint8Array(itemCount);
      for (const i of excludedIndices(matrix, exclude)) skip[i] = 1;
      return topItems(scores, n, matrix.itemIds, { skip, floor: 0 });
    },
    similarItems(itemId, n) {
      const j = matrix.itemIndex.get(itemId);
      const c = j === undefined ? -1 : categoryOf[j]!;
      if (j === undefined || c < 0) return [];
      const scores = new Float64Array(itemCount);
      for (let i = 0; i < itemCount; i++) {
        if (i !== j && categoryOf[i] === c) scores[i] = popularity[i]! / categoryMass[c]!;
      }
      return topItems(scores, n, matrix.itemIds, { floor: 0 });
    },
    affinities(userId) {
      const share = shares(matrix.userIndex.get(userId));
      return categoryNames
        .map((category, c) => ({ category, share: share[c]! }))
        .filter((entry) => entry.share > 0)
        .sort((a, b) => b.share - a.share);
    },
    userSupport: (userId) => rowLength(matrix, matrix.userIndex.get(userId)),
  };
}

export const categoryAffinity: Recommender<CategoryAffinityOptions> = {
  name: 'category',
  fit: (interactions, options) => {
    if (!options) throw new TypeError('category affinity needs options.categories (item id → category)');
    return fitCategoryAffinity(interactions, options);
  },
};
