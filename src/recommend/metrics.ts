/**
 * Top-k ranking metrics with binary relevance, as the public recommender benchmarks compute them:
 *   precision@k = hits in the first k / k   (k, not the list length: a short list is penalised)
 *   recall@k    = hits in the first k / |relevant|
 *   nDCG@k      = DCG / ideal DCG, DCG = Σ over hits at 0-based rank r of 1 / log2(r + 2), the ideal
 *                 placing min(k, |relevant|) hits first.
 * Each is 0 when nothing is relevant; callers skip such users rather than average the 0 in.
 */

function hitsAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (let r = 0; r < Math.min(k, recommended.length); r++) if (relevant.has(recommended[r]!)) hits++;
  return hits;
}

export function precisionAtK(
  recommended: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  return k > 0 ? hitsAtK(recommended, relevant, k) / k : 0;
}

export function recallAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return relevant.size > 0 ? hitsAtK(recommended, relevant, k) / relevant.size : 0;
}

export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, recommended.length); r++) {
    if (relevant.has(recommended[r]!)) dcg += 1 / Math.log2(r + 2);
  }
  let ideal = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  /** Users averaged over. */
  users: number;
}

/** Running means of the three metrics over users. */
export class MetricAccumulator {
  private precision = 0;
  private recall = 0;
  private ndcg = 0;
  private users = 0;

  add(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): void {
    this.precision += precisionAtK(recommended, relevant, k);
    this.recall += recallAtK(recommended, relevant, k);
    this.ndcg += ndcgAtK(recommended, relevant, k);
    this.users++;
  }

  result(): RankingMetrics {
    const n = this.users || 1;
    return { precision: this.precision / n, recall: this.recall / n, ndcg: this.ndcg / n, users: this.users };
  }
}

/** The unweighted mean of per-fold results (each fold's users already averaged). */
export function meanOfFolds(folds: readonly RankingMetrics[]): RankingMetrics {
  const n = folds.length || 1;
  const sum = (pick: (m: RankingMetrics) => number) => folds.reduce((total, m) => total + pick(m), 0) / n;
  return {
    precision: sum((m) => m.precision),
    recall: sum((m) => m.recall),
    ndcg: sum((m) => m.ndcg),
    users: sum((m) => m.users),
  };
}
