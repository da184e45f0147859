import { MetricAccumulator, meanOfFolds, type RankingMetrics } from './metrics.js';
import { seededRandom } from './random.js';
import type { Interaction, RecommendationModel } from './types.js';

/**
 * Offline evaluation by k-fold cross-validation on implicit feedback, the protocol of the public
 * benchmark figures: split the interactions randomly into folds; for each fold, train on the
 * others and, for every user with test interactions, recommend the top k excluding the items the
 * user has in training; precision, recall and nDCG at k averaged over users, then over folds.
 *
 * The unit of the split is a distinct (user, item) pair, not a row: a repeated purchase then lands
 * wholly in one fold instead of leaking the answer from training into test. On data with one row
 * per pair (ratings files) the two are the same. A test item the user also has in training cannot
 * be recommended (it is excluded), so it does not count as relevant.
 */

/** Fold number (0 … folds−1) of every interaction: pairs shuffled with the seed, dealt round-robin. */
export function assignFolds(interactions: readonly Interaction[], folds: number, seed: number): Int32Array {
  const pairOf = new Map<string, number>();
  const pairIndex = new Int32Array(interactions.length);
  interactions.forEach((interaction, k) => {
    const key = `${interaction.userId}\u0000${interaction.itemId}`;
    let pair = pairOf.get(key);
    if (pair === undefined) {
      pair = pairOf.size;
      pairOf.set(key, pair);
    }
    pairIndex[k] = pair;
  });
  const order = Int32Array.from({ length: pairOf.size }, (_, p) => p);
  const random = seededRandom(seed);
  for (let p = order.length - 1; p > 0; p--) {
    const q = random.int(p + 1);
    const held = order[p]!;
    order[p] = order[q]!;
    order[q] = held;
  }
  const foldOfPair = new Int32Array(order.length);
  order.forEach((pair, position) => {
    foldOfPair[pair] = position % folds;
  });
  return pairIndex.map((pair) => foldOfPair[pair]!);
}

export interface FoldSplit {
  train: Interaction[];
  test: Interaction[];
}

export function splitFold(interactions: readonly Interaction[], foldOf: Int32Array, fold: number): FoldSplit {
  const train: Interaction[] = [];
  const test: Interaction[] = [];
  interactions.forEach((interaction, k) => {
    (foldOf[k] === fold ? test : train).push(interaction);
  });
  return { train, test };
}

function itemsByUser(interactions: readonly Interaction[]): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const { userId, itemId } of interactions) {
    let items = byUser.get(userId);
    if (!items) {
      items = new Set();
      byUser.set(userId, items);
    }
    items.add(itemId);
  }
  return byUser;
}

/** One fold's metrics for each model, over the users with relevant test items. */
export function evaluateFold(
  models: Readonly<Record<string, RecommendationModel>>,
  split: FoldSplit,
  k: number,
): Record<string, RankingMetrics> {
  const seen = itemsByUser(split.train);
  const relevantByUser = new Map<string, Set<string>>();
  for (const [userId, items] of itemsByUser(split.test)) {
    const trained = seen.get(userId);
    const relevant = trained ? new Set([...items].filter((item) => !trained.has(item))) : items;
    if (relevant.size > 0) relevantByUser.set(userId, relevant);
  }
  const out: Record<string, RankingMetrics> = {};
  for (const [name, model] of Object.entries(models)) {
    const accumulator = new MetricAccumulator();
    for (const [userId, relevant] of relevantByUser) {
      const ranked = model.recommend(userId, k, seen.get(userId)).map((item) => item.itemId);
      accumulator.add(ranked, relevant, k);
    }
    out[name] = accumulator.result();
  }
  return out;
}

export interface CrossValidationOptions {
  folds: number;
  k: number;
  seed: number;
  /** Fits every model to compare on one fold's training interactions. */
  fit: (train: readonly Interaction[], fold: number) => Readonly<Record<string, RecommendationModel>>;
  /** Called after each fold (progress output). */
  onFold?: (fold: number, metrics: Record<string, RankingMetrics>) => void;
}

/** Metrics per model name, averaged over users within a fold and then over folds. */
export function crossValidate(
  interactions: readonly Interaction[],
  options: CrossValidationOptions,
): Record<string, RankingMetrics> {
  if (!Number.isInteger(options.folds) || options.folds < 2)
    throw new RangeError('folds must be an integer ≥ 2');
  const foldOf = assignFolds(interactions, options.folds, options.seed);
  const perFold: Record<string, RankingMetrics[]> = {};
  for (let fold = 0; fold < options.folds; fold++) {
    const split = splitFold(interactions, foldOf, fold);
    const metrics = evaluateFold(options.fit(split.train, fold), split, options.k);
    for (const [name, result] of Object.entries(metrics)) perFold[name] = [...(perFold[name] ?? []), result];
    options.onFold?.(fold, metrics);
  }
  return Object.fromEntries(Object.entries(perFold).map(([name, folds]) => [name, meanOfFolds(folds)]));
}
