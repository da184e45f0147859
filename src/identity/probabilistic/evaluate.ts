/**
 * Pairwise quality against a known truth (benchmarks and tests; production has no truth).
 * Pairs are counted within the linkage's scope: all pairs of a dedup, left × right in a link.
 */

export interface PairwiseMetrics {
  truePairs: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Scope {
  size: number;
  /** Records [0, leftSize) are the left side; equal to size for a dedup. */
  leftSize: number;
  mode: 'dedup' | 'link';
}

/** Pairs inside a group of records: (n choose 2) in a dedup, left × right members in a link. */
function pairsWithin(members: readonly number[], scope: Scope): number {
  if (scope.mode === 'dedup') return (members.length * (members.length - 1)) / 2;
  let left = 0;
  for (const member of members) if (member < scope.leftSize) left++;
  return left * (members.length - left);
}

function groupBy(keys: ArrayLike<string | number>, members?: readonly number[]): number[][] {
  const groups = new Map<string | number, number[]>();
  for (const i of members ?? Array.from({ length: keys.length }, (_, k) => k)) {
    const key = keys[i]!;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()];
}

export function countTruePairs(truth: readonly string[], scope: Scope): number {
  return groupBy(truth).reduce((sum, group) => sum + pairsWithin(group, scope), 0);
}

/** True pairs among explicit pairs (e.g. blocked candidates: their share is pairs completeness). */
export function countTrueAmong(
  truth: readonly string[],
  left: ArrayLike<number>,
  right: ArrayLike<number>,
): number {
  let hits = 0;
  for (let p = 0; p < left.length; p++) if (truth[left[p]!] === truth[right[p]!]) hits++;
  return hits;
}

function metrics(truePairs: number, predictedPairs: number, truePositives: number): PairwiseMetrics {
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, truePositives, precision, recall, f1 };
}

/** Quality of a clustering: every pair of records in one predicted cluster is a predicted pair. */
export function clusterPairMetrics(
  truth: readonly string[],
  clusterOf: Int32Array,
  scope: Scope,
): PairwiseMetrics {
  let predicted = 0;
  let truePositives = 0;
  for (const cluster of groupBy(clusterOf)) {
    if (cluster.length < 2) continue;
    predicted += pairsWithin(cluster, scope);
    for (const group of groupBy(truth, cluster)) truePositives += pairsWithin(group, scope);
  }
  return metrics(countTruePairs(truth, scope), predicted, truePositives);
}

/** Quality of explicit predicted pairs (no transitivity). */
export function pairListMetrics(
  truth: readonly string[],
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  scope: Scope,
): PairwiseMetrics {
  return metrics(countTruePairs(truth, scope), left.length, countTrueAmong(truth, left, right));
}
