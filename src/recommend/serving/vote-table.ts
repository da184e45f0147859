import type { RecommendedItem } from '../../db/schema/recommendations.js';
import type { NeighbourLists } from '../item-knn.js';

/**
 * Item-KNN's votes in compressed rows: for each product, the candidates it votes for and with what
 * similarity (the transpose of the candidates' neighbour lists, see src/recommend/item-knn.ts).
 * A profile's score for a candidate is Σ over its products of value × similarity: the same sum
 * `fitItemKnn` computes, here over the candidates its products touch instead of the catalogue.
 */
export interface VoteTable {
  itemIds: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  start: Int32Array;
  items: Int32Array;
  similarities: Float64Array;
}

/** The fitted votes, each product's cut to its `limit` strongest (ties: the lower candidate index). */
export function voteTableFromLists(
  votes: NeighbourLists,
  itemIds: readonly string[],
  itemIndex: ReadonlyMap<string, number>,
  limit: number,
): VoteTable {
  const itemCount = votes.start.length - 1;
  const start = new Int32Array(itemCount + 1);
  for (let j = 0; j < itemCount; j++)
    start[j + 1] = start[j]! + Math.min(limit, votes.start[j + 1]! - votes.start[j]!);
  const items = new Int32Array(start[itemCount]!);
  const similarities = new Float64Array(start[itemCount]!);
  for (let j = 0; j < itemCount; j++) {
    const from = votes.start[j]!;
    const length = votes.start[j + 1]! - from;
    // Positions into this product's votes, strongest first; typed, since a million-profile fit has
    // millions of votes and one object each would cost more memory than the fit itself.
    const order = Int32Array.from({ length }, (_, k) => k);
    if (length > limit) {
      order.sort(
        (a, b) =>
          votes.similarities[from + b]! - votes.similarities[from + a]! ||
          votes.items[from + a]! - votes.items[from + b]!,
      );
    }
    for (let t = 0; t < start[j + 1]! - start[j]!; t++) {
      items[start[j]! + t] = votes.items[from + order[t]!]!;
      similarities[start[j]! + t] = votes.similarities[from + order[t]!]!;
    }
  }
  return { itemIds, itemIndex, start, items, similarities };
}

/** Stored `knn:<productId>` lists (product → its votes) as a table over the products they name. */
export function voteTableFromStored(lists: ReadonlyMap<string, readonly RecommendedItem[]>): VoteTable {
  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  const indexOf = (id: string) => {
    let index = itemIndex.get(id);
    if (index === undefined) {
      index = itemIds.length;
      itemIndex.set(id, index);
      itemIds.push(id);
    }
    return index;
  };
  for (const [source, votes] of lists) {
    indexOf(source);
    for (const vote of votes) indexOf(vote.productId);
  }
  const start = new Int32Array(itemIds.length + 1);
  for (const [source, votes] of lists) start[itemIndex.get(source)! + 1] = votes.length;
  for (let i = 0; i < itemIds.length; i++) start[i + 1]! += start[i]!;
  const items = new Int32Array(start[itemIds.length]!);
  const similarities = new Float64Array(start[itemIds.length]!);
  for (const [source, votes] of lists) {
    let at = start[itemIndex.get(source)!]!;
    for (const vote of votes) {
      items[at] = itemIndex.get(vote.productId)!;
      similarities[at] = vote.score;
      at++;
    }
  }
  return { itemIds, itemIndex, start, items, similarities };
}

/** One product's votes as stored rows. */
export function votesOf(table: VoteTable, index: number): RecommendedItem[] {
  const out: RecommendedItem[] = [];
  for (let t = table.start[index]!; t < table.start[index + 1]!; t++) {
    out.push({ productId: table.itemIds[table.items[t]!]!, score: table.similarities[t]! });
  }
  return out;
}
