import { DegenerateDataError, InvalidInputError } from './errors.js';

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting one half (midranks). 0.5 is chance.
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  if (scores.length !== labels.length) {
    throw new InvalidInputError('roc-auc', `${scores.length} scores for ${labels.length} labels`);
  }
  if (!scores.every(Number.isFinite)) throw new InvalidInputError('roc-auc', 'scores must be finite numbers');
  const order = scores.map((_, index) => index).sort((left, right) => scores[left]! - scores[right]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    // Ranks start..end (1-based start+1..end+1) share their mean.
    const midrank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        positiveRankSum += midrank;
      }
    }
    start = end + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new DegenerateDataError(
      'roc-auc',
      `ROC AUC needs both labels, got ${positives} positives and ${negatives} negatives`,
    );
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
