import { type CandidatePairs, generateCandidatePairs } from './blocking.js';
import { compareAll, compileComparators, type FieldComparator, fieldLevelLabels } from './comparisons.js';
import { runEm } from './em.js';
import { levelCounts, levelProbabilities } from './estimate-u.js';
import type { LinkageModel } from './model.js';
import { countPatterns } from './patterns.js';
import { type PersonRecord, type PreparedRecords, prepareRecords } from './prepare.js';
import { sampleRandomPairs, totalPairCount } from './random-pairs.js';
import { createScorer, pairWeights, probabilityFromWeight } from './scoring.js';
import { type LinkageSettings, type LinkageSettingsInput, linkageSettingsSchema } from './settings.js';
import { termFrequencyTable } from './term-frequency.js';

/**
 * Everything linkage computes once per data set: normalized records, compiled comparators, the
 * blocked candidate pairs and their comparison vectors. Training and scoring both read it.
 */
export interface LinkageData {
  settings: LinkageSettings;
  prepared: PreparedRecords;
  comparators: FieldComparator[];
  candidates: CandidatePairs;
  /** Comparison vectors of the candidates, row-major (pair × field). */
  vectors: Uint8Array;
}

export function prepareLinkage(
  settingsInput: LinkageSettingsInput | LinkageSettings,
  left: readonly PersonRecord[],
  right?: readonly PersonRecord[],
): LinkageData {
  const settings = linkageSettingsSchema.parse(settingsInput);
  const prepared = prepareRecords(settings, left, right);
  const comparators = compileComparators(settings.fields, prepared);
  const candidates = generateCandidatePairs(prepared, settings.blockingRules, settings.maxBlockSize);
  const vectors = compareAll(comparators, candidates.left, candidates.right, candidates.count);
  return { settings, prepared, comparators, candidates, vectors };
}

/** u pseudo-count: half a pair, i.e. "rarer than anything a sample of this size can show". */
const U_PSEUDO_COUNT = 0.5;
/** Starting share of matches among blocked pairs; EM moves it quickly, so it only needs to be plausible. */
const INITIAL_BLOCKED_MATCH_SHARE = 0.2;

/**
 * Trains without labels:
 * 1. u from random pairs;
 * 2. m (and the blocked pairs' own u and match share) by EM on the blocked candidate pairs —
 *    blocking keeps nearly every true pair, so the matches among candidates are a fair sample of
 *    all matches, while the non-matches among them are not a fair sample of all non-matches
 *    (they agree on blocking keys), hence their own u inside EM;
 * 3. λ = expected matches among candidates / all possible pairs;
 * 4. u again from the same random pairs, each weighted by its non-match probability under the
 *    model, so the true duplicates a random sample of a deduplication contains do not pass for
 *    chance agreement;
 * 5. an identifiability check (below), recorded on the model: linkage does not merge on a model
 *    that fails it, it only queues pairs for review.
 */
export function trainModelOn(data: LinkageData): LinkageModel {
  const { settings, prepared, comparators, candidates, vectors } = data;
  const width = settings.fields.length;
  const levelSizes = settings.fields.map((field) => fieldLevelLabels(field).length);
  const active = prepared.fields.map((field) => field.present);

  const sample = sampleRandomPairs(prepared, settings.training.uSamplePairs, settings.training.seed);
  const sampleVectors = compareAll(comparators, sample.left, sample.right, sample.count);
  const uRandom = levelProbabilities(levelCounts(sampleVectors, width, levelSizes), U_PSEUDO_COUNT);

  const initialM = levelSizes.map((size) => initialMatchProbabilities(size));
  const patterns = countPatterns(vectors, width, candidates.count);
  const em = runEm(
    patterns,
    width,
    active,
    { m: initialM, u: uRandom, lambda: INITIAL_BLOCKED_MATCH_SHARE },
    {
      maxIterations: settings.training.maxEmIterations,
      tolerance: settings.training.emTolerance,
      pseudoCount: settings.training.mPseudoCount,
    },
  );

  const totalPairs = Math.max(1, totalPairCount(prepared));
  const lambda = clampProbability(Math.max(em.expectedMatches, 1) / totalPairs);
  const model = buildModel(data, em.m, uRandom, lambda, {
    sampledPairs: sample.count,
    emIterations: em.iterations,
    emConverged: em.converged,
    expectedMatches: em.expectedMatches,
    meanMatchWeight: 0,
    identifiable: true,
  });

  const weights = pairWeights(createScorer(model), prepared, sampleVectors, sample.left, sample.count);
  const nonMatch = new Float64Array(sample.count);
  for (let p = 0; p < sample.count; p++) nonMatch[p] = 1 - probabilityFromWeight(weights[p]!);
  const uRefined = levelProbabilities(
    levelCounts(sampleVectors, width, levelSizes, nonMatch),
    U_PSEUDO_COUNT,
  );
  const refined = buildModel(data, em.m, uRefined, lambda, model.training);

  // Identifiability: the pairs EM calls matches must, on average, score above the merge
  // threshold under the final model. With no real duplicates EM still splits the candidates in
  // two, and its "match" class is then a look-alike subpopulation (same street number and
  // postcode, say) whose typical pair the model itself would not merge.
  const candidateWeights = pairWeights(
    createScorer(refined),
    prepared,
    vectors,
    candidates.left,
    candidates.count,
  );
  let weighted = 0;
  for (let p = 0; p < candidates.count; p++)
    weighted += em.posterior[patterns.rowPattern[p]!]! * candidateWeights[p]!;
  const meanMatchWeight = em.expectedMatches > 0 ? weighted / em.expectedMatches : Number.NEGATIVE_INFINITY;
  const mergeWeight = Math.log2(settings.thresholds.merge / (1 - settings.thresholds.merge));
  refined.training.meanMatchWeight = Number.isFinite(meanMatchWeight) ? meanMatchWeight : -1_000;
  refined.training.identifiable = meanMatchWeight >= mergeWeight;
  return refined;
}

export function trainModel(
  settingsInput: LinkageSettingsInput | LinkageSettings,
  left: readonly PersonRecord[],
  right?: readonly PersonRecord[],
): LinkageModel {
  return trainModelOn(prepareLinkage(settingsInput, left, right));
}

/** Most of the mass on the first (strictest) levels, a little on "else". */
function initialMatchProbabilities(levels: number): Float64Array {
  const out = new Float64Array(levels + 1);
  if (levels === 1) {
    out[1] = 1;
    return out;
  }
  let total = 0;
  for (let l = 1; l < levels; l++) total += 2 ** -(l - 1);
  for (let l = 1; l < levels; l++) out[l] = (0.9 * 2 ** -(l - 1)) / total;
  out[levels] = 0.1;
  return out;
}

function clampProbability(p: number): number {
  return Math.min(0.5, Math.max(1e-15, p));
}

function buildModel(
  data: LinkageData,
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  lambda: number,
  training: Omit<LinkageModel['training'], 'mode' | 'records' | 'candidatePairs'>,
): LinkageModel {
  const { settings, prepared, candidates } = data;
  return {
    version: 1,
    settings,
    priorMatchProbability: lambda,
    fields: settings.fields.map((field, f) => {
      const present = prepared.fields[f]!.present;
      return {
        key: field.key,
        present,
        levels: fieldLevelLabels(field).map((label, index) => ({
          label,
          // An absent field weighs 0 everywhere: m = u.
          m: present ? m[f]![index + 1]! : u[f]![index + 1]!,
          u: u[f]![index + 1]!,
        })),
        termFrequency: field.termFrequency && present ? termFrequencyTable(prepared.fields[f]!) : null,
      };
    }),
    training: {
      mode: prepared.mode,
      records: prepared.size,
      candidatePairs: candidates.count,
      sampledPairs: training.sampledPairs,
      emIterations: training.emIterations,
      emConverged: training.emConverged,
      expectedMatches: training.expectedMatches,
      meanMatchWeight: training.meanMatchWeight,
      identifiable: training.identifiable,
    },
  };
}
