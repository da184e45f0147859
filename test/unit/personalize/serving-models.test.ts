import { describe, expect, it } from 'vitest';
import { fitBoughtTogether } from '../../../src/recommend/bought-together.js';
import { fitItemKnn, itemNeighbours, reverseNeighbours } from '../../../src/recommend/item-knn.js';
import { buildInteractionMatrix } from '../../../src/recommend/matrix.js';
import { MatrixBuilder } from '../../../src/recommend/serving/matrix-builder.js';
import { PairCounter } from '../../../src/recommend/serving/pair-counter.js';
import { KnnScorer } from '../../../src/recommend/serving/personal-scorer.js';
import {
  votesOf,
  voteTableFromLists,
  voteTableFromStored,
} from '../../../src/recommend/serving/vote-table.js';
import { generateSynthetic } from '../../../src/recommend/synthetic.js';
import type { Interaction } from '../../../src/recommend/types.js';

/**
 * The serving path re-implements three things for scale (streamed matrix, sparse scoring, pair
 * counting by sorting): each must give what the pure algorithm gives on the same data.
 */
const data = generateSynthetic({ users: 120, items: 80, interactions: 2_000, seed: 3 }).interactions;

function streamedMatrix(interactions: readonly Interaction[]) {
  const builder = new MatrixBuilder();
  const byUser = new Map<string, Map<number, number>>();
  for (const row of interactions) {
    const cells = byUser.get(row.userId) ?? new Map<number, number>();
    const item = builder.indexOf(row.itemId);
    cells.set(item, (cells.get(item) ?? 0) + (row.weight ?? 1));
    byUser.set(row.userId, cells);
  }
  for (const cells of byUser.values()) builder.addRow(cells);
  return { matrix: builder.build(), users: [...byUser.keys()] };
}

describe('the serving path agrees with the pure algorithms', () => {
  it('builds the same matrix row by row as buildInteractionMatrix does at once', () => {
    const { matrix } = streamedMatrix(data);
    const pure = buildInteractionMatrix(data, { typeWeights: {} });
    expect(matrix.itemIds).toEqual(pure.itemIds);
    expect([...matrix.rowStart]).toEqual([...pure.rowStart]);
    expect([...matrix.rowItems]).toEqual([...pure.rowItems]);
    expect([...matrix.colStart]).toEqual([...pure.colStart]);
    expect([...matrix.colUsers]).toEqual([...pure.colUsers]);
    expect([...matrix.colValues]).toEqual([...pure.colValues]);
  });

  it('scores a profile over the candidates its items reach exactly as fitItemKnn ranks the catalogue', () => {
    const { matrix, users } = streamedMatrix(data);
    const options = { neighbours: 20, shrinkage: 10, asymmetry: 0.7, pruning: 'candidate' as const };
    const votes = voteTableFromLists(
      reverseNeighbours(itemNeighbours(matrix, options)),
      matrix.itemIds,
      matrix.itemIndex,
      10_000,
    );
    const scorer = new KnnScorer(votes);
    const pure = fitItemKnn(data, { ...options, typeWeights: {} });
    for (const user of users.slice(0, 30)) {
      const cells = data
        .filter((row) => row.userId === user)
        .reduce(
          (map, row) => map.set(row.itemId, (map.get(row.itemId) ?? 0) + (row.weight ?? 1)),
          new Map<string, number>(),
        );
      const ours = scorer.score(
        [...cells].map(([productId, value]) => ({ productId, value })),
        15,
      );
      const theirs = pure.recommend(user, 15);
      expect(ours.map((item) => item.score)).toEqual(theirs.map((item) => expect.closeTo(item.score, 10)));
      // Same items, where scores do not tie.
      const distinct = theirs.filter(
        (item, i) => theirs.findIndex((other) => other.score === item.score) === i,
      );
      for (const item of distinct) expect(ours.map((entry) => entry.itemId)).toContain(item.itemId);
    }
  });

  it('keeps a vote table through the stored lists', () => {
    const { matrix } = streamedMatrix(data);
    const votes = voteTableFromLists(
      reverseNeighbours(
        itemNeighbours(matrix, { neighbours: 10, shrinkage: 0, asymmetry: 0.5, pruning: 'candidate' }),
      ),
      matrix.itemIds,
      matrix.itemIndex,
      5,
    );
    const stored = new Map(matrix.itemIds.map((id, i) => [id, votesOf(votes, i)]));
    for (const list of stored.values()) expect(list.length).toBeLessThanOrEqual(5);
    const again = voteTableFromStored(stored);
    for (const [id, list] of stored) expect(votesOf(again, again.itemIndex.get(id)!)).toEqual(list);
  });

  it('counts bought-together pairs by sorting as fitBoughtTogether counts them', () => {
    const baskets: Interaction[] = [];
    for (let order = 0; order < 300; order++) {
      const size = 1 + (order % 4);
      for (let k = 0; k < size; k++) {
        baskets.push({
          userId: `u${order % 50}`,
          itemId: `i${(order * 7 + k * 3) % 25}`,
          basketId: `o${order}`,
        });
      }
    }
    const options = { normalization: 'cosine' as const, minSupport: 2, neighbours: 5, maxBasketSize: 3 };
    const pure = fitBoughtTogether(baskets, options);
    const index = new Map<string, number>();
    const ids: string[] = [];
    const counter = new PairCounter(options);
    const byBasket = new Map<string, number[]>();
    for (const row of baskets) {
      if (!index.has(row.itemId)) {
        index.set(row.itemId, ids.length);
        ids.push(row.itemId);
      }
      byBasket.set(row.basketId!, [...(byBasket.get(row.basketId!) ?? []), index.get(row.itemId)!]);
    }
    for (const items of byBasket.values()) counter.addBasket(items);
    const partners = counter.partners();
    for (const id of ids) {
      const ours = (partners.get(index.get(id)!) ?? []).map((entry) => ({
        itemId: ids[entry.index]!,
        score: entry.score,
      }));
      expect(ours.map((entry) => entry.score)).toEqual(
        pure.similarItems!(id, 5).map((entry) => expect.closeTo(entry.score, 12)),
      );
    }
  });
});
