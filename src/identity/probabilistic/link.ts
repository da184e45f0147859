import { clusterMembers, connectedComponents } from './cluster.js';
import type { LinkageModel } from './model.js';
import type { PersonRecord } from './prepare.js';
import { createScorer, explainPair, type PairScore, pairWeights } from './scoring.js';
import type { LinkageSettings, LinkageSettingsInput } from './settings.js';
import { type LinkageData, prepareLinkage, trainModelOn } from './train.js';

/**
 * The whole pipeline: prepare, block, compare, train (unless a model is given), score, decide,
 * cluster. Record references are indexes into the combined input: in a link, right record k is
 * `leftSize + k`.
 */

export type LinkDecision = 'merge' | 'review';

export interface LinkedPair extends PairScore {
  a: number;
  b: number;
  decision: LinkDecision;
}

export interface LinkageResult {
  model: LinkageModel;
  mode: 'dedup' | 'link';
  /** Records on the left (all of them in a dedup). */
  leftSize: number;
  /** Pairs at or above the review threshold, strongest first, each with its evidence. */
  pairs: LinkedPair[];
  /** Entities: records joined by merge pairs (clusters of one record are left out). */
  clusters: number[][];
  /** Cluster id of every record (singletons included). */
  clusterOf: Int32Array;
  stats: {
    records: number;
    candidatePairs: number;
    pairsPerRule: number[];
    skippedBlocks: number;
    merged: number;
    review: number;
  };
}

export interface LinkOptions {
  /** Score with this model instead of training one on the input. */
  model?: LinkageModel;
}

export function linkRecords(
  settings: LinkageSettingsInput | LinkageSettings,
  left: readonly PersonRecord[],
  right?: readonly PersonRecord[],
  options: LinkOptions = {},
): LinkageResult {
  const data = prepareLinkage(options.model?.settings ?? settings, left, right);
  const model = options.model ?? trainModelOn(data);
  return linkPrepared(data, model);
}

export function linkPrepared(data: LinkageData, model: LinkageModel): LinkageResult {
  const { prepared, candidates, vectors } = data;
  const { merge, review } = model.settings.thresholds;
  const scorer = createScorer(model);
  const weights = pairWeights(scorer, prepared, vectors, candidates.left, candidates.count);
  // Thresholds compared as weights: no exponentials for the many pairs far below them.
  const reviewWeight = Math.log2(review / (1 - review));
  // A model that failed its identifiability check may still rank pairs usefully for a reviewer,
  // but it is not trusted to merge on its own.
  const mergeWeight = model.training.identifiable ? Math.log2(merge / (1 - merge)) : Number.POSITIVE_INFINITY;

  const pairs: LinkedPair[] = [];
  const mergeLeft: number[] = [];
  const mergeRight: number[] = [];
  for (let p = 0; p < candidates.count; p++) {
    const weight = weights[p]!;
    if (weight < reviewWeight) continue;
    const a = candidates.left[p]!;
    const b = candidates.right[p]!;
    const decision: LinkDecision = weight >= mergeWeight ? 'merge' : 'review';
    if (decision === 'merge') {
      mergeLeft.push(a);
      mergeRight.push(b);
    }
    pairs.push({ a, b, decision, ...explainPair(scorer, prepared, vectors, p, a) });
  }
  pairs.sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b);
  const clusterOf = connectedComponents(prepared.size, mergeLeft, mergeRight);
  return {
    model,
    mode: prepared.mode,
    leftSize: prepared.leftSize,
    pairs,
    clusters: clusterMembers(clusterOf),
    clusterOf,
    stats: {
      records: prepared.size,
      candidatePairs: candidates.count,
      pairsPerRule: candidates.perRule,
      skippedBlocks: candidates.skippedBlocks,
      merged: mergeLeft.length,
      review: pairs.length - mergeLeft.length,
    },
  };
}
