import type { AppDeps } from '../../app-deps.js';
import type { RecommendedItem } from '../../db/schema/recommendations.js';
import { itemNeighbours, reverseNeighbours } from '../item-knn.js';
import { itemPopularity } from '../popularity.js';
import type { CatalogItem } from '../rules.js';
import { topN } from '../top-n.js';
import { cooperative } from './cooperative.js';
import { type InteractionRow, type InteractionType, loadInteractions } from './interactions.js';
import { MatrixBuilder } from './matrix-builder.js';
import { PairCounter } from './pair-counter.js';
import { loadProfileContexts, nextProfilePage, RECOMMENDATION_PAGE_SIZE } from './profile-context.js';
import type { ServingSettings } from './settings.js';
import type { SharedList } from './shared-model.js';
import { type VoteTable, voteTableFromLists } from './vote-table.js';

const DAY_MS = 86_400_000;

export interface FittedModel {
  votes: VoteTable;
  /**
   * The shared lists by key (`global`, `trending`, `category:…`, `cluster:…`, `segment:…`,
   * `together:…`); the votes are stored as `knn:…` lists straight from the table (store.ts).
   */
  lists: Map<string, SharedList>;
  /** Profiles with at least one interaction in the look-back window. */
  profiles: number;
  /** Products with at least one vote (a `knn:` list each). */
  votedProducts: number;
  interactions: number;
}

/**
 * Type weight × decay: `interactionValue` of src/recommend/matrix.ts (every row here has weight 1)
 * without building an Interaction object per row.
 */
export function decayedValue(
  type: InteractionType,
  at: number,
  typeWeights: Readonly<Record<string, number>>,
  halfLifeDays: number | undefined,
  now: number,
): number {
  const value = typeWeights[type] ?? 1;
  return halfLifeDays === undefined ? value : value * 0.5 ** (Math.max(0, now - at) / DAY_MS / halfLifeDays);
}

/** What one interaction adds to the profile's cell in the personal model. */
export function cellValue(row: InteractionRow, settings: ServingSettings, now: number): number {
  const { typeWeights, halfLifeDays } = settings.interactions;
  return decayedValue(row.type, row.at, typeWeights, halfLifeDays, now);
}

/**
 * The fit of a full run: reads every live profile's interactions page by page into the user ×
 * item matrix (typed arrays), then fits item-KNN (src/recommend/item-knn.ts, the votes kept per
 * product), popularity, trending, category popularity, cluster and segment favourites and bought
 * together, and returns them as the shared lists the webhook and the per-profile scoring read.
 * Lists other than the votes hold only products the catalogue can show now (active, in stock).
 */
export async function fitSharedModel(
  deps: AppDeps,
  settings: ServingSettings,
  catalog: ReadonlyMap<string, CatalogItem>,
  now: number,
): Promise<FittedModel> {
  const since = now - settings.interactions.lookbackDays * DAY_MS;
  const builder = new MatrixBuilder();
  const pairs = new PairCounter(settings.boughtTogether);
  const trending = new Map<number, number>();
  const groups = new Map<string, { members: number; totals: Map<number, number> }>();
  let interactions = 0;
  let cursor = '';
  const pause = cooperative();
  for (;;) {
    await pause();
    const ids = await nextProfilePage(deps, cursor, RECOMMENDATION_PAGE_SIZE);
    if (ids.length === 0) break;
    cursor = ids[ids.length - 1]!;
    const [byProfile, contexts] = await Promise.all([
      loadInteractions(deps, { from: ids[0]!, to: cursor }, since),
      loadProfileContexts(deps, ids),
    ]);
    for (const id of ids) {
      const rows = byProfile.get(id);
      if (!rows) continue;
      interactions += rows.length;
      const cells = new Map<number, number>();
      const baskets = new Map<string, number[]>();
      for (const row of rows) {
        const item = builder.indexOf(row.productId);
        cells.set(item, (cells.get(item) ?? 0) + cellValue(row, settings, now));
        const { typeWeights } = settings.interactions;
        const trend = decayedValue(row.type, row.at, typeWeights, settings.trendingHalfLifeDays, now);
        trending.set(item, (trending.get(item) ?? 0) + trend);
        if (row.basketId !== undefined) {
          const basket = baskets.get(row.basketId);
          if (basket) basket.push(item);
          else baskets.set(row.basketId, [item]);
        }
      }
      builder.addRow(cells);
      for (const basket of baskets.values()) pairs.addBasket(basket);
      for (const key of contexts.get(id)?.groupKeys ?? []) {
        let group = groups.get(key);
        if (!group) {
          group = { members: 0, totals: new Map() };
          groups.set(key, group);
        }
        group.members++;
        for (const [item, value] of cells) group.totals.set(item, (group.totals.get(item) ?? 0) + value);
      }
    }
  }

  const matrix = builder.build();
  const { itemIds } = matrix;
  const knn = settings.itemKnn;
  const neighbours = itemNeighbours(matrix, {
    neighbours: knn.neighbours,
    shrinkage: knn.shrinkage,
    asymmetry: knn.asymmetry,
    pruning: 'candidate',
  });
  const votes = voteTableFromLists(
    reverseNeighbours(neighbours),
    itemIds,
    matrix.itemIndex,
    knn.votesPerItem,
  );

  const showable = (item: number) => {
    const entry = catalog.get(itemIds[item]!);
    return entry !== undefined && entry.active !== false && entry.inStock !== false;
  };
  const best = (scores: ReadonlyMap<number, number> | Float64Array, size: number): RecommendedItem[] => {
    const dense = scores instanceof Float64Array ? scores : toDense(scores, itemIds.length);
    const skip = new Uint8Array(itemIds.length);
    for (let i = 0; i < itemIds.length; i++) if (!showable(i)) skip[i] = 1;
    return topN(dense, size, { skip, floor: 0 }).map(({ index, score }) => ({
      productId: itemIds[index]!,
      score: round(score),
    }));
  };

  const profiles = matrix.rowStart.length - 1;
  const lists = new Map<string, SharedList>();
  const popularity = itemPopularity(matrix);
  lists.set('global', { items: best(popularity, settings.listSize), support: profiles });
  lists.set('trending', { items: best(trending, settings.listSize), support: profiles });
  for (const [category, items] of categoryLists(popularity, itemIds, catalog, showable, settings.listSize)) {
    lists.set(`category:${category}`, { items, support: profiles });
  }
  for (const [key, group] of groups) {
    lists.set(key, { items: best(group.totals, settings.listSize), support: group.members });
  }
  for (const [item, partners] of pairs.partners()) {
    const items = partners
      .filter((partner) => showable(partner.index))
      .map((partner) => ({ productId: itemIds[partner.index]!, score: round(partner.score) }));
    if (items.length > 0) lists.set(`together:${itemIds[item]!}`, { items, support: 0 });
  }
  let votedProducts = 0;
  for (let item = 0; item < itemIds.length; item++)
    if (votes.start[item + 1]! > votes.start[item]!) votedProducts++;
  return { votes, lists, profiles, interactions, votedProducts };
}

/**
 * Per category, its products by P(product | category) = popularity / the category's total: the
 * category-affinity model's second factor (src/recommend/category-affinity.ts).
 */
function categoryLists(
  popularity: Float64Array,
  itemIds: readonly string[],
  catalog: ReadonlyMap<string, CatalogItem>,
  showable: (item: number) => boolean,
  size: number,
): Map<string, RecommendedItem[]> {
  const byCategory = new Map<string, number[]>();
  const mass = new Map<string, number>();
  for (let i = 0; i < itemIds.length; i++) {
    const category = catalog.get(itemIds[i]!)?.category;
    if (category === undefined || !(popularity[i]! > 0)) continue;
    mass.set(category, (mass.get(category) ?? 0) + popularity[i]!);
    if (!showable(i)) continue;
    const members = byCategory.get(category);
    if (members) members.push(i);
    else byCategory.set(category, [i]);
  }
  const out = new Map<string, RecommendedItem[]>();
  for (const [category, members] of byCategory) {
    const total = mass.get(category)!;
    const scores = members.map((i) => popularity[i]! / total);
    out.set(
      category,
      topN(scores, size).map(({ index, score }) => ({
        productId: itemIds[members[index]!]!,
        score: round(score),
      })),
    );
  }
  return out;
}

function toDense(scores: ReadonlyMap<number, number>, size: number): Float64Array {
  const dense = new Float64Array(size);
  for (const [index, score] of scores) dense[index] = score;
  return dense;
}

/** Scores are stored with 6 significant digits: enough to rank, a third of the JSON. */
export function round(score: number): number {
  return Number(score.toPrecision(6));
}
