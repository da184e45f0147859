import { z } from 'zod';
import type { Interaction, RecommendationModel, Recommender, ScoredItem } from './types.js';

/**
 * "Bought together": items that appear in the same order (basket) as a given product. Counts, over
 * baskets, how many contain each item (n_i) and each pair (n_ij), and normalises:
 *   cosine: n_ij / √(n_i · n_j)        (the default: stable for rare items)
 *   lift:   n_ij · baskets / (n_i · n_j) (how much more often than chance; over-rewards rare pairs,
 *                                        hence the minimum support)
 * A pair seen in fewer than `minSupport` baskets is dropped: one shared order is an anecdote.
 * Rows without a `basketId` form one basket per user (their whole history), which turns this into
 * "customers who bought this also bought".
 */

export const boughtTogetherOptionsSchema = z.object({
  normalization: z.enum(['cosine', 'lift']).default('cosine'),
  minSupport: z.number().int().positive().default(2),
  /** Items kept per product. */
  neighbours: z.number().int().positive().default(50),
  /**
   * Baskets with more distinct items are skipped: a bulk order pairs everything with everything,
   * says little, and costs size² pairs.
   */
  maxBasketSize: z.number().int().positive().default(50),
});
export type BoughtTogetherOptions = z.input<typeof boughtTogetherOptionsSchema>;

export interface BoughtTogetherModel extends RecommendationModel {
  readonly algorithm: 'bought_together';
  /** Items bought with any of `itemIds` (a cart, an order), scores summed, none of `exclude`. */
  forItems(itemIds: readonly string[], n: number, exclude?: ReadonlySet<string>): ScoredItem[];
}

export function fitBoughtTogether(
  interactions: readonly Interaction[],
  input: BoughtTogetherOptions = {},
): BoughtTogetherModel {
  const options = boughtTogetherOptionsSchema.parse(input);
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const baskets = new Map<string, Set<number>>();
  const userItems = new Map<string, Set<string>>();
  for (const interaction of interactions) {
    let i = itemIndex.get(interaction.itemId);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(interaction.itemId, i);
      itemIds.push(interaction.itemId);
    }
    // NUL keeps "basket b" and "user b" apart.
    const key =
      interaction.basketId === undefined ? `u\u0000${interaction.userId}` : `b\u0000${interaction.basketId}`;
    let basket = baskets.get(key);
    if (!basket) {
      basket = new Set();
      baskets.set(key, basket);
    }
    basket.add(i);
    let items = userItems.get(interaction.userId);
    if (!items) {
      items = new Set();
      userItems.set(interaction.userId, items);
    }
    items.add(interaction.itemId);
  }
  const itemCount = itemIds.length;
  const basketCount = new Float64Array(itemCount);
  const pairCount = new Map<number, number>();
  let counted = 0;
  for (const basket of baskets.values()) {
    if (basket.size > options.maxBasketSize) continue;
    counted++;
    const members = [...basket];
    for (const i of members) basketCount[i]!++;
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        const low = Math.min(members[a]!, members[b]!);
        const high = Math.max(members[a]!, members[b]!);
        const key = low * itemCount + high;
        pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
      }
    }
  }
  const partners: { index: number; score: number }[][] = Array.from({ length: itemCount }, () => []);
  for (const [key, count] of pairCount) {
    if (count < options.minSupport) continue;
    const low = Math.floor(key / itemCount);
    const high = key - low * itemCount;
    const product = basketCount[low]! * basketCount[high]!;
    const score = options.normalization === 'lift' ? (count * counted) / product : count / Math.sqrt(product);
    partners[low]!.push({ index: high, score });
    partners[high]!.push({ index: low, score });
  }
  const lists = partners.map((list) =>
    list.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, options.neighbours),
  );
  const forItems = (ids: readonly string[], n: number, exclude?: ReadonlySet<string>): ScoredItem[] => {
    const totals = new Map<number, number>();
    const given = new Set<number>();
    for (const id of ids) {
      const i = itemIndex.get(id);
      if (i !== undefined) given.add(i);
    }
    for (const i of given) {
      for (const { index, score } of lists[i]!) {
        if (given.has(index) || exclude?.has(itemIds[index]!)) continue;
        totals.set(index, (totals.get(index) ?? 0) + score);
      }
    }
    return [...totals]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, Math.max(0, n))
      .map(([index, score]) => ({ itemId: itemIds[index]!, score }));
  };
  return {
    algorithm: 'bought_together',
    forItems,
    recommend: (userId, n, exclude) => forItems([...(userItems.get(userId) ?? [])], n, exclude),
    similarItems: (itemId, n) => forItems([itemId], n),
    userSupport: (userId) => userItems.get(userId)?.size ?? 0,
  };
}

export const boughtTogether: Recommender<BoughtTogetherOptions> = {
  name: 'bought_together',
  fit: fitBoughtTogether,
};
