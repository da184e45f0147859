import type { AppDeps } from '../../app-deps.js';
import type { profileRecommendations, RecommendedItem } from '../../db/schema/recommendations.js';
import { blendModels } from '../blend.js';
import { type FallbackLevelName, recommendWithFallback, supportConfidence } from '../fallback.js';
import type { CatalogItem } from '../rules.js';
import type { RecommendationModel, ScoredItem } from '../types.js';
import { extendCatalog } from './catalog.js';
import { cooperative } from './cooperative.js';
import { round } from './fit.js';
import { type InteractionRow, loadInteractions, type ProfileScope } from './interactions.js';
import { listModel, precomputedModel } from './list-model.js';
import { categoryCandidates, KnnScorer } from './personal-scorer.js';
import { loadProfileContexts, type ProfileContext } from './profile-context.js';
import { type ProfileInput, profileInput } from './profile-inputs.js';
import type { ServingSettings } from './settings.js';
import type { SharedModel } from './shared-model.js';
import type { VoteTable } from './vote-table.js';

const DAY_MS = 86_400_000;

export type ProfileRecommendationRow = typeof profileRecommendations.$inferInsert;

/**
 * The catalogue the rules read. A full run loads all of it once (`complete`); an incremental
 * refresh adds the few products its candidates name.
 */
export interface CatalogView {
  items: Map<string, CatalogItem>;
  complete: boolean;
}

type Answer = { items: RecommendedItem[]; level: FallbackLevelName; confidence: number };

/** What scoring a page reads from the database: each profile's interactions and context. */
export interface LoadedPage {
  ids: readonly string[];
  interactions: Map<string, InteractionRow[]>;
  contexts: Map<string, ProfileContext>;
  /** Epoch ms: the page's clock for decay and the rules. */
  now: number;
}

export interface ScoredPage {
  rows: ProfileRecommendationRow[];
  levels: Record<FallbackLevelName, number>;
}

/** The page's interactions (within the look-back window) and contexts. */
export async function loadPage(
  deps: AppDeps,
  ids: readonly string[],
  scope: ProfileScope,
  settings: ServingSettings,
  now: number,
): Promise<LoadedPage> {
  const since = now - settings.interactions.lookbackDays * DAY_MS;
  const [interactions, contexts] = await Promise.all([
    loadInteractions(deps, scope, since),
    loadProfileContexts(deps, ids),
  ]);
  return { ids, interactions, contexts, now };
}

/**
 * Each profile's top N through the fallback chain (src/recommend/fallback.ts): personal (item-KNN
 * blended with category affinity, both scored over the candidates the profile's products reach),
 * then its cluster's or primary segment's favourites, then global popularity, with the business
 * rules applied. `ids` are live profiles; `scope` selects their interactions.
 */
export async function scoreProfiles(
  deps: AppDeps,
  ids: readonly string[],
  scope: ProfileScope,
  model: SharedModel,
  catalog: CatalogView,
  settings: ServingSettings,
  now: number,
): Promise<ScoredPage> {
  const page = await loadPage(deps, ids, scope, settings, now);
  return scoreLoadedPage(page, model, catalog, settings, {
    extendCatalog: (products) => extendCatalog(deps, catalog.items, products),
    pause: cooperative(),
  });
}

/**
 * How scoring reaches outside itself. On the main thread it reads missing products and yields the
 * event loop; on a scoring thread (scoring-threads.ts) the catalogue is complete and nothing waits.
 */
export interface PageScoringIo {
  extendCatalog(products: Iterable<string>): Promise<void>;
  pause(): Promise<void>;
}

/** The CPU part of `scoreProfiles`: the same answers from a page already read. */
export async function scoreLoadedPage(
  page: LoadedPage,
  model: SharedModel,
  catalog: CatalogView,
  settings: ServingSettings,
  io: PageScoringIo,
): Promise<ScoredPage> {
  const { ids, interactions, contexts, now } = page;
  const inputs = new Map<string, ProfileInput>();
  const products = new Set<string>();
  for (const id of ids) {
    const input = profileInput(interactions.get(id) ?? [], settings, now);
    for (const cell of input.cells) products.add(cell.productId);
    inputs.set(id, input);
  }
  if (!catalog.complete) await io.extendCatalog(products);
  const categories = new Set<string>();
  for (const product of products) {
    const category = catalog.items.get(product)?.category;
    if (category !== undefined) categories.add(category);
  }
  const groupKeys = new Set([...contexts.values()].flatMap((context) => context.groupKeys));
  const [votes, lists] = await Promise.all([
    model.votesFor(products),
    model.lists(['global', ...[...categories].map((category) => `category:${category}`), ...groupKeys]),
  ]);
  const personal = await personalModel(inputs, votes, lists, catalog, settings, io);

  const global = lists.get('global') ?? { items: [], support: 0 };
  const globalModel = listModel(global);
  const groupModels = new Map<string, RecommendationModel>();
  // A profile with no interactions gets what every such profile of its group and order value gets.
  const shared = new Map<string, Answer>();
  const levels: Record<FallbackLevelName, number> = { personal: 0, segment: 0, global: 0 };
  const rows: ProfileRecommendationRow[] = [];
  const computedAt = new Date(now);
  for (const id of ids) {
    await io.pause();
    const input = inputs.get(id)!;
    const context = contexts.get(id);
    const groupKey = context?.groupKeys.find((key) => lists.has(key));
    const memoKey =
      input.cells.length === 0 ? `${groupKey ?? ''}|${context?.averageOrderValue ?? ''}` : undefined;
    let answer = memoKey === undefined ? undefined : shared.get(memoKey);
    if (!answer) {
      const group = groupKey === undefined ? undefined : lists.get(groupKey);
      if (group && !groupModels.has(groupKey!)) groupModels.set(groupKey!, listModel(group));
      const chain = recommendWithFallback({
        userId: id,
        n: settings.itemsPerProfile,
        personal,
        ...(group ? { segment: { model: groupModels.get(groupKey!)!, members: group.support } } : {}),
        global: { model: globalModel, profiles: global.support },
        ...(settings.excludeBrowsed ? { exclude: input.browsed } : {}),
        rules: {
          settings: settings.rules,
          context: {
            catalog: catalog.items,
            purchases: input.purchases,
            ...(context?.averageOrderValue === undefined
              ? {}
              : { averageOrderValue: context.averageOrderValue }),
            now,
          },
        },
        settings: settings.fallback,
      });
      answer = {
        items: chain.items.map((item) => ({ productId: item.itemId, score: round(item.score) })),
        level: chain.level,
        confidence: round(chain.confidence),
      };
      if (memoKey !== undefined) shared.set(memoKey, answer);
    }
    levels[answer.level]++;
    rows.push({ profileId: id, ...answer, computedAt });
  }
  return { rows, levels };
}

/**
 * The personal level for a page: each profile's item-KNN and category candidates, computed once
 * and blended (rank-normalised, src/recommend/blend.ts). Profiles whose personal level the chain
 * will skip (too little evidence) get none.
 */
async function personalModel(
  inputs: ReadonlyMap<string, ProfileInput>,
  votes: VoteTable,
  lists: ReadonlyMap<string, { items: RecommendedItem[] }>,
  catalog: CatalogView,
  settings: ServingSettings,
  io: PageScoringIo,
): Promise<RecommendationModel> {
  const categoryLists = new Map<string, readonly RecommendedItem[]>();
  for (const [key, list] of lists)
    if (key.startsWith('category:')) categoryLists.set(key.slice(9), list.items);
  // The blend asks each component for max(100, 5 × its n), and the chain asks N × overfetch.
  const depth = Math.max(100, 5 * settings.itemsPerProfile * settings.fallback.overfetch);
  const scorer = new KnnScorer(votes);
  const knn = new Map<string, ScoredItem[]>();
  const category = new Map<string, ScoredItem[]>();
  const candidates = new Set<string>();
  const { minConfidence, halfSupport } = settings.fallback;
  for (const [id, input] of inputs) {
    await io.pause();
    if (supportConfidence(input.cells.length, halfSupport.personal) < minConfidence) continue;
    // Deep enough that excluded items (browsed, bought) still leave `depth`.
    const size = depth + input.cells.length + input.purchases.size;
    const fromKnn = scorer.score(input.cells, size);
    const fromCategory = categoryCandidates(
      input.cells,
      catalog.items,
      categoryLists,
      settings.categoryPrior,
      size,
    );
    knn.set(id, fromKnn);
    category.set(id, fromCategory);
    if (catalog.complete) continue;
    for (const item of fromKnn) candidates.add(item.itemId);
    for (const item of fromCategory) candidates.add(item.itemId);
  }
  if (!catalog.complete) {
    for (const list of lists.values()) for (const item of list.items) candidates.add(item.productId);
    await io.extendCatalog(candidates);
  }
  const support = (id: string) => inputs.get(id)?.cells.length ?? 0;
  return blendModels(
    [
      { model: precomputedModel('item_knn', knn, support), weight: settings.weights.itemKnn },
      { model: precomputedModel('category', category, support), weight: settings.weights.category },
    ],
    { normalization: 'rank' },
  );
}
