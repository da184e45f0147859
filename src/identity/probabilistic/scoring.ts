import { NULL_LEVEL } from './comparisons.js';
import type { LinkageModel } from './model.js';
import type { PreparedRecords } from './prepare.js';
import { termFrequencyLookup } from './term-frequency.js';

/**
 * Fellegi-Sunter scoring: match weight = log2(λ / (1 − λ)) + Σ fields log2(m / u) for the level
 * each field reached; probability = 2^w / (1 + 2^w). Every term is kept as evidence, so a merge
 * can always say which fields pushed it over the threshold and by how much.
 *
 * One deliberate departure from the raw estimates: no level weighs less than the field's "else"
 * level (see createScorer).
 */

export interface FieldEvidence {
  field: string;
  /** The level reached: a level label, "null" (a side missing) or "else". */
  level: string;
  /** log2 Bayes factor this field contributed (0 for null). */
  weight: number;
  /** True when the weight used the value's frequency instead of the level's average u. */
  termFrequency: boolean;
}

export interface PairScore {
  /** priorWeight + Σ evidence weights. */
  weight: number;
  probability: number;
  /** log2(λ / (1 − λ)): where every pair starts. */
  priorWeight: number;
  evidence: FieldEvidence[];
}

/** A model compiled for fast scoring: weights per level as arrays, term-frequency lookups ready. */
export interface Scorer {
  model: LinkageModel;
  priorWeight: number;
  /** Per field, weight by level index (index 0, null, is 0). */
  levelWeights: Float64Array[];
  /** Per field, the level index whose weight is replaced by the term-frequency weight (−1: none). */
  tfLevel: Int32Array;
  tfU: (((value: string) => number) | null)[];
  /** Per field, the "else" weight: no level weighs less. */
  floors: number[];
  labels: string[][];
}

export function createScorer(model: LinkageModel): Scorer {
  const lambda = model.priorMatchProbability;
  const levelWeights = model.fields.map((field) => {
    const weights = new Float64Array(field.levels.length + 1);
    if (!field.present) return weights;
    const elseLevel = field.levels[field.levels.length - 1]!;
    const elseWeight = Math.log2(elseLevel.m / elseLevel.u);
    field.levels.forEach((level, index) => {
      // Some similarity is never stronger evidence against a match than none: a band that EM
      // saw almost no match fall into (m ≈ 0) would otherwise weigh below "else".
      weights[index + 1] = Math.max(elseWeight, Math.log2(level.m / level.u));
    });
    return weights;
  });
  const floors = levelWeights.map((weights) => weights[weights.length - 1]!);
  const tfLevel = new Int32Array(model.fields.length).fill(-1);
  const tfU = model.fields.map((field, f) => {
    const settings = model.settings.fields[f]!;
    const exact = settings.levels.findIndex((level) => level.kind === 'exact');
    if (!settings.termFrequency || !field.present || !field.termFrequency || exact < 0) return null;
    tfLevel[f] = exact + 1;
    return termFrequencyLookup(field.termFrequency, model.settings.training.tfMinU);
  });
  return {
    model,
    priorWeight: Math.log2(lambda / (1 - lambda)),
    levelWeights,
    tfLevel,
    tfU,
    floors,
    labels: model.fields.map((field) => ['null', ...field.levels.map((level) => level.label)]),
  };
}

export function probabilityFromWeight(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** Weight of one field at one level for records i and j (term-frequency aware). */
function fieldWeight(scorer: Scorer, prepared: PreparedRecords, f: number, level: number, i: number): number {
  if (level === NULL_LEVEL) return 0;
  if (level === scorer.tfLevel[f]) {
    // Exact agreement: both records carry the same value, so record i's value is the pair's.
    const value = prepared.fields[f]!.values[i]!;
    const m = scorer.model.fields[f]!.levels[level - 1]!.m;
    return Math.max(scorer.floors[f]!, Math.log2(m / scorer.tfU[f]!(value)));
  }
  return scorer.levelWeights[f]![level]!;
}

/** Match weights of many compared pairs (vectors from `compareAll`), without building evidence. */
export function pairWeights(
  scorer: Scorer,
  prepared: PreparedRecords,
  vectors: Uint8Array,
  left: Int32Array,
  count = left.length,
): Float64Array {
  const width = scorer.levelWeights.length;
  const weights = new Float64Array(count);
  // Term-frequency weights depend on the value, so compute them once per record, not per pair.
  const tfWeights = scorer.tfU.map((lookup, f) => {
    if (!lookup) return null;
    const values = prepared.fields[f]!.values;
    const m = scorer.model.fields[f]!.levels[scorer.tfLevel[f]! - 1]!.m;
    const out = new Float64Array(prepared.size);
    for (let i = 0; i < prepared.size; i++) {
      const value = values[i];
      out[i] =
        value === null || value === undefined ? 0 : Math.max(scorer.floors[f]!, Math.log2(m / lookup(value)));
    }
    return out;
  });
  for (let p = 0; p < count; p++) {
    let weight = scorer.priorWeight;
    const base = p * width;
    for (let f = 0; f < width; f++) {
      const level = vectors[base + f]!;
      const tf = tfWeights[f];
      weight += tf && level === scorer.tfLevel[f] ? tf[left[p]!]! : scorer.levelWeights[f]![level]!;
    }
    weights[p] = weight;
  }
  return weights;
}

/** Full score with evidence for one compared pair (row `row` of `vectors`). */
export function explainPair(
  scorer: Scorer,
  prepared: PreparedRecords,
  vectors: Uint8Array,
  row: number,
  i: number,
): PairScore {
  const width = scorer.levelWeights.length;
  let weight = scorer.priorWeight;
  const evidence: FieldEvidence[] = [];
  for (let f = 0; f < width; f++) {
    const level = vectors[row * width + f]!;
    const fieldW = fieldWeight(scorer, prepared, f, level, i);
    weight += fieldW;
    evidence.push({
      field: scorer.model.fields[f]!.key,
      level: scorer.labels[f]![level] ?? 'else',
      weight: fieldW,
      termFrequency: level !== NULL_LEVEL && level === scorer.tfLevel[f],
    });
  }
  return { weight, probability: probabilityFromWeight(weight), priorWeight: scorer.priorWeight, evidence };
}
