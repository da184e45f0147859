/** Recommendation algorithms, business rules and the fallback chain: pure, no I/O. */
export { type AlsModel, type AlsOptions, alsOptionsSchema, fitAls, trainAls } from './als.js';
export {
  type BlendComponent,
  type BlendNormalization,
  type BlendOptions,
  blendModels,
  blendOptionsSchema,
  normalizeScores,
} from './blend.js';
export {
  type BoughtTogetherModel,
  type BoughtTogetherOptions,
  boughtTogetherOptionsSchema,
  fitBoughtTogether,
} from './bought-together.js';
export {
  type CategoryAffinityModel,
  type CategoryAffinityOptions,
  categoryAffinityOptionsSchema,
  fitCategoryAffinity,
} from './category-affinity.js';
export {
  assignFolds,
  type CrossValidationOptions,
  crossValidate,
  evaluateFold,
  type FoldSplit,
  splitFold,
} from './evaluate.js';
export {
  type FallbackAnswer,
  type FallbackItem,
  type FallbackLevelName,
  type FallbackRequest,
  type FallbackSettingsInput,
  fallbackSettingsSchema,
  type LevelReport,
  recommendWithFallback,
  supportConfidence,
} from './fallback.js';
export { fitItemKnn, type ItemKnnModel, type ItemKnnOptions, itemKnnOptionsSchema } from './item-knn.js';
export { buildInteractionMatrix, type InteractionMatrix, type Weighting, weightingSchema } from './matrix.js';
export { MetricAccumulator, ndcgAtK, precisionAtK, type RankingMetrics, recallAtK } from './metrics.js';
export {
  fitPopularity,
  type PopularityModel,
  type PopularityOptions,
  popularityOptionsSchema,
} from './popularity.js';
export {
  type BlendSpec,
  blendSpecSchema,
  type FitContext,
  fitAlgorithm,
  fitBlend,
  recommenders,
} from './registry.js';
export {
  applyRules,
  type CatalogItem,
  catalogItemSchema,
  exclusionReason,
  type RuleContext,
  type RuleSettings,
  type RuleSettingsInput,
  recentlyPurchased,
  ruleSettingsSchema,
} from './rules.js';
export {
  generateSynthetic,
  type SyntheticData,
  type SyntheticOptions,
  syntheticOptionsSchema,
} from './synthetic.js';
export {
  type AlgorithmName,
  algorithmNameSchema,
  type Interaction,
  interactionSchema,
  type RecommendationModel,
  type Recommender,
  type ScoredItem,
} from './types.js';
