import type { RecommendedItem } from '../../db/schema/recommendations.js';
import type { CatalogItem } from '../rules.js';
import type { ScoredItem } from '../types.js';
import type { VoteTable } from './vote-table.js';

/** A profile's summed interaction value with one product (weight × type weight × decay). */
export interface ProfileCell {
  productId: string;
  value: number;
}

/**
 * Item-KNN scores of one profile at a time over the candidates its products vote for: one dense
 * accumulator reused for every profile, reset only where it was written, so scoring a million
 * profiles never walks the catalogue.
 */
export class KnnScorer {
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;
  private readonly seen: Uint8Array;

  constructor(private readonly table: VoteTable) {
    const size = table.itemIds.length;
    this.scores = new Float64Array(size);
    this.touched = new Int32Array(size);
    this.seen = new Uint8Array(size);
  }

  /** The `depth` best candidates, best first (ties: the candidate reached first). */
  score(cells: readonly ProfileCell[], depth: number): ScoredItem[] {
    const { table, scores, touched, seen } = this;
    let count = 0;
    for (const cell of cells) {
      const j = table.itemIndex.get(cell.productId);
      if (j === undefined) continue;
      for (let t = table.start[j]!; t < table.start[j + 1]!; t++) {
        const i = table.items[t]!;
        if (!seen[i]) {
          seen[i] = 1;
          touched[count++] = i;
        }
        scores[i]! += cell.value * table.similarities[t]!;
      }
    }
    const best = bestOf(touched, count, scores, depth).map((i) => ({
      itemId: table.itemIds[i]!,
      score: scores[i]!,
    }));
    for (let k = 0; k < count; k++) {
      scores[touched[k]!] = 0;
      seen[touched[k]!] = 0;
    }
    return best;
  }
}

/**
 * The `depth` highest-scoring of the first `count` touched items (positive scores only), best first,
 * ties to the item reached first. A profile reaches hundreds to thousands of candidates: the cut-off
 * score is found by selection on a copy (linear time), and only the survivors are sorted.
 */
function bestOf(touched: Int32Array, count: number, scores: Float64Array, depth: number): number[] {
  let threshold = Number.MIN_VALUE;
  if (count > depth) {
    const values = new Float64Array(count);
    for (let k = 0; k < count; k++) values[k] = scores[touched[k]!]!;
    threshold = Math.max(threshold, kthLargest(values, depth));
  }
  // Positions in touch order, so ties go to the item reached first.
  const out: number[] = [];
  for (let k = 0; k < count; k++) if (scores[touched[k]!]! >= threshold) out.push(k);
  out.sort((a, b) => scores[touched[b]!]! - scores[touched[a]!]! || a - b);
  if (out.length > depth) out.length = depth;
  return out.map((k) => touched[k]!);
}

/** The k-th largest value (Hoare's selection, in place). */
function kthLargest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  const target = k - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target]!;
  }
  return values[target]!;
}

/**
 * Category affinity over the profile's own categories: score(i) = P(category | profile) ·
 * P(i | category), with P(c | profile) = value in c / (all categorised value + prior) and
 * P(i | c) the scores of the stored `category:<c>` list. The model of
 * src/recommend/category-affinity.ts spreads the prior over every category; here the categories
 * the profile never touched are left to the segment and global levels.
 */
export function categoryCandidates(
  cells: readonly ProfileCell[],
  catalog: ReadonlyMap<string, CatalogItem>,
  categoryLists: ReadonlyMap<string, readonly RecommendedItem[]>,
  prior: number,
  depth: number,
): ScoredItem[] {
  const mass = new Map<string, number>();
  let total = 0;
  for (const cell of cells) {
    const category = catalog.get(cell.productId)?.category;
    if (category === undefined) continue;
    mass.set(category, (mass.get(category) ?? 0) + cell.value);
    total += cell.value;
  }
  if (total + prior <= 0) return [];
  const out: ScoredItem[] = [];
  for (const [category, value] of mass) {
    const share = value / (total + prior);
    for (const item of categoryLists.get(category) ?? []) {
      out.push({ itemId: item.productId, score: share * item.score });
    }
  }
  return out
    .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
    .slice(0, depth);
}
