export { rocAuc } from './auc.js';
export {
  type BgNbdParams,
  bgNbdLogLikelihood,
  bgNbdParamsSchema,
  checkHistories,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  type PurchaseHistory,
  probabilityAlive,
} from './bg-nbd.js';
export { BG_NBD_MIN_REPEAT_CUSTOMERS, type BgNbdFit, type BgNbdFitOptions, fitBgNbd } from './bg-nbd-fit.js';
export { parseCdnowTransactions } from './cdnow-format.js';
export {
  type ClvCustomer,
  type ClvOptions,
  type ClvTier,
  type ClvTiers,
  clvTiers,
  customerLifetimeValue,
  DEFAULT_TIER_CUTOFFS,
  type TierCutoffs,
  UNITS_PER_MONTH,
} from './clv.js';
export {
  DegenerateDataError,
  InsufficientDataError,
  InvalidInputError,
  ModelRefusalError,
  NotConvergedError,
  type PredictModel,
  type RefusalCode,
} from './errors.js';
export {
  expectedAverageSpend,
  fitGammaGamma,
  GAMMA_GAMMA_MIN_CUSTOMERS,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
  gammaGammaParamsSchema,
  type SpendHistory,
} from './gamma-gamma.js';
export {
  fitLogisticRegression,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
  predictProbability,
} from './logistic-regression.js';
export {
  BASE_PROPENSITY_FEATURES,
  type CrossValidation,
  crossValidatePropensity,
  PROPENSITY_MIN_EXAMPLES,
  PROPENSITY_MIN_PER_CLASS,
  type PropensityCustomer,
  type PropensityModel,
  type PropensityOptions,
  predictPropensity,
  propensityFeatureNames,
  propensityFeatureRow,
  stratifiedFolds,
  trainPropensityModel,
} from './propensity.js';
export {
  type CalibrationHoldoutSummary,
  type CustomerSummary,
  calibrationAndHoldout,
  DAYS_PER_UNIT,
  type HoldoutOptions,
  type SummaryOptions,
  summarizeTransactions,
  type TimeUnit,
  type Transaction,
  utcDay,
} from './summary.js';
