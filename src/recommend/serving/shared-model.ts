import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import type { Db } from '../../db/client.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';
import type { RecommendedItem } from '../../db/schema/recommendations.js';
import { MemoryCache } from './memory-cache.js';
import { type VoteTable, voteTableFromStored } from './vote-table.js';

/** A stored shared list and how many profiles it was fitted on. */
export interface SharedList {
  items: RecommendedItem[];
  support: number;
}

/**
 * What scoring a page of profiles needs from the fit: the item-KNN votes of their products and
 * shared lists by key. Right after a fit they come from memory; an incremental refresh (or a run
 * resumed by the next Workers tick) reads the stored lists instead, so one profile can be rescored
 * without refitting anything.
 */
export interface SharedModel {
  votesFor(productIds: Iterable<string>): Promise<VoteTable>;
  lists(keys: Iterable<string>): Promise<Map<string, SharedList>>;
}

export function inMemoryModel(votes: VoteTable, lists: ReadonlyMap<string, SharedList>): SharedModel {
  return {
    votesFor: async () => votes,
    lists: async (keys) => {
      const out = new Map<string, SharedList>();
      for (const key of keys) {
        const list = lists.get(key);
        if (list) out.set(key, list);
      }
      return out;
    },
  };
}

/** Lists kept per database for the fit they came from (a refit replaces them all). */
const LIST_CAPACITY = 20_000;
const storedLists = new WeakMap<Db, { fittedAt: number; cache: MemoryCache<SharedList | null> }>();

/**
 * Reads stored lists, each key once per fit: incremental refreshes after every ingest batch ask for
 * the same products' votes again and again, and a list changes only when a full run refits (then
 * `fittedAt`, the `global` list's time, moves and the kept lists are dropped).
 */
export function storedModel(deps: AppDeps, fittedAt: number): SharedModel {
  let kept = storedLists.get(deps.db);
  if (!kept || kept.fittedAt !== fittedAt) {
    kept = { fittedAt, cache: new MemoryCache(LIST_CAPACITY) };
    storedLists.set(deps.db, kept);
  }
  const { cache } = kept;
  const lists = async (keys: Iterable<string>) => {
    const wanted = [...new Set(keys)];
    const missing = wanted.filter((key) => cache.get(key, 0) === undefined);
    const found = await loadSharedLists(deps, missing);
    for (const key of missing) cache.set(key, found.get(key) ?? null, Number.POSITIVE_INFINITY);
    const out = new Map<string, SharedList>();
    for (const key of wanted) {
      const list = cache.get(key, 0);
      if (list) out.set(key, list);
    }
    return out;
  };
  return {
    lists,
    async votesFor(productIds) {
      const ids = [...new Set(productIds)];
      const found = await lists(ids.map((id) => `knn:${id}`));
      return voteTableFromStored(new Map(ids.map((id) => [id, found.get(`knn:${id}`)?.items ?? []])));
    },
  };
}

export async function loadSharedLists(
  deps: AppDeps,
  keys: readonly string[],
): Promise<Map<string, SharedList>> {
  const rows = await selectInChunks([...keys], deps.sqlParamLimit, (chunk) =>
    queryRows<{ key: string; items: string; support: number }>(
      deps.db,
      `select key, items_json as items, support from recommendation_lists where key in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  return new Map(
    rows.map((row) => [row.key, { items: JSON.parse(row.items) as RecommendedItem[], support: row.support }]),
  );
}
