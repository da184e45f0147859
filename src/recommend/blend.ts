import { z } from 'zod';
import type { RecommendationModel, ScoredItem } from './types.js';

/**
 * A weighted blend of fitted models. Raw scores are not comparable across algorithms (a sum of
 * cosines, a dot product of factors, a count), so each component's answer for the user is first
 * normalised to [0, 1], then the weighted sum ranks the union:
 *   rank: the item at 0-based rank r of a component's top `depth` gets 1 − r / depth (rank order is
 *         all that is kept: robust to one component's outlier scores; the default);
 *   max:  score / the component's best score for this user (keeps how far ahead the leaders are).
 * An item a component does not list gets 0 from it. Components that have nothing for the user
 * (a personal model and an unknown user) drop out and the others decide.
 */

export const blendNormalizationSchema = z.enum(['rank', 'max']);
export type BlendNormalization = z.infer<typeof blendNormalizationSchema>;

export const blendOptionsSchema = z.object({
  normalization: blendNormalizationSchema.default('rank'),
  /** Candidates taken from each component: at least this many, and at least 5 × n. */
  depth: z.number().int().positive().default(100),
});
export type BlendOptions = z.input<typeof blendOptionsSchema>;

export interface BlendComponent {
  model: RecommendationModel;
  weight: number;
}

export function normalizeScores(
  items: readonly ScoredItem[],
  normalization: BlendNormalization,
  depth: number,
): ScoredItem[] {
  if (normalization === 'rank') {
    return items.map((item, rank) => ({ itemId: item.itemId, score: 1 - rank / depth }));
  }
  const best = items[0]?.score ?? 0;
  return items.map((item) => ({ itemId: item.itemId, score: best > 0 ? Math.max(0, item.score) / best : 0 }));
}

/** Weighted sum of the normalised lists, best first (ties by item id, so answers are reproducible). */
function combine(
  lists: readonly { items: readonly ScoredItem[]; weight: number }[],
  normalization: BlendNormalization,
  depth: number,
  n: number,
): ScoredItem[] {
  const totals = new Map<string, number>();
  for (const { items, weight } of lists) {
    for (const { itemId, score } of normalizeScores(items, normalization, depth)) {
      totals.set(itemId, (totals.get(itemId) ?? 0) + weight * score);
    }
  }
  return [...totals]
    .map(([itemId, score]) => ({ itemId, score }))
    .filter((item) => item.score > 0)
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
    .slice(0, n);
}

export function blendModels(
  components: readonly BlendComponent[],
  input: BlendOptions = {},
): RecommendationModel {
  const options = blendOptionsSchema.parse(input);
  const active = components.filter((component) => component.weight > 0);
  const depthFor = (n: number) => Math.max(options.depth, 5 * n);
  return {
    algorithm: 'blend',
    recommend(userId, n, exclude) {
      const depth = depthFor(n);
      const lists = active.map(({ model, weight }) => ({
        items: model.recommend(userId, depth, exclude),
        weight,
      }));
      return combine(lists, options.normalization, depth, n);
    },
    similarItems(itemId, n) {
      const depth = depthFor(n);
      const lists = active.map(({ model, weight }) => ({
        items: model.similarItems?.(itemId, depth) ?? [],
        weight,
      }));
      return combine(lists, options.normalization, depth, n);
    },
    userSupport: (userId) => Math.max(0, ...active.map(({ model }) => model.userSupport(userId))),
  };
}
