export {
  blockingKeyIds,
  type CandidatePairs,
  generateCandidatePairs,
  recordBlockingKeys,
} from './blocking.js';
export { clusterMembers, connectedComponents } from './cluster.js';
export {
  compareAll,
  compileComparators,
  type FieldComparator,
  fieldLevelLabels,
  levelLabel,
} from './comparisons.js';
export { defaultPersonSettings } from './default-settings.js';
export {
  clusterPairMetrics,
  countTrueAmong,
  countTruePairs,
  type PairwiseMetrics,
  pairListMetrics,
} from './evaluate.js';
export {
  type LinkageResult,
  type LinkDecision,
  type LinkedPair,
  type LinkOptions,
  linkPrepared,
  linkRecords,
} from './link.js';
export { type LinkageModel, linkageModelSchema, type ModelField, type TermFrequencyTable } from './model.js';
export { type PersonRecord, type PreparedRecords, prepareRecords } from './prepare.js';
export { sampleRandomPairs, seededRandom, totalPairCount } from './random-pairs.js';
export { scorePair } from './score-pair.js';
export {
  createScorer,
  explainPair,
  type FieldEvidence,
  type PairScore,
  pairWeights,
  probabilityFromWeight,
  type Scorer,
} from './scoring.js';
export {
  type BlockingKey,
  type BlockingRule,
  type ComparisonLevel,
  comparisonLevelSchema,
  type FieldSettings,
  type LinkageSettings,
  type LinkageSettingsInput,
  linkageSettingsSchema,
  type Normalizer,
} from './settings.js';
export { type LinkageData, prepareLinkage, trainModel, trainModelOn } from './train.js';
