import type { RecommendationModel, ScoredItem } from '../types.js';
import type { SharedList } from './shared-model.js';

/** A shared list as a model: the same answer for everyone, minus what is excluded. */
export function listModel(list: SharedList): RecommendationModel {
  const items = list.items.map((item) => ({ itemId: item.productId, score: item.score }));
  return {
    algorithm: 'popularity',
    recommend: (_userId, n, exclude) => take(items, n, exclude),
    userSupport: () => 0,
  };
}

/**
 * A component of the personal blend whose answers were computed for the page beforehand (best
 * first, deep enough for the blend), answered per profile minus what is excluded.
 */
export function precomputedModel(
  algorithm: 'item_knn' | 'category',
  answers: ReadonlyMap<string, readonly ScoredItem[]>,
  support: (userId: string) => number,
): RecommendationModel {
  return {
    algorithm,
    recommend: (userId, n, exclude) => take(answers.get(userId) ?? [], n, exclude),
    userSupport: support,
  };
}

export function take(items: readonly ScoredItem[], n: number, exclude?: ReadonlySet<string>): ScoredItem[] {
  const out: ScoredItem[] = [];
  for (const item of items) {
    if (out.length >= n) break;
    if (!exclude?.has(item.itemId)) out.push(item);
  }
  return out;
}
