import { seededRandom } from '../lib/random.js';
import { rocAuc } from './auc.js';
import { type BgNbdParams, expectedPurchases, probabilityAlive } from './bg-nbd.js';
import type { ClvCustomer } from './clv.js';
import { DegenerateDataError, InsufficientDataError } from './errors.js';
import {
  fitLogisticRegression,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
  predictProbability,
} from './logistic-regression.js';

/**
 * Purchase propensity: the probability that a customer buys within the next N days, by logistic
 * regression on RFM, engagement and BG/NBD features. Trained on a past window (features as of its
 * end, label = bought in the N days after), applied to features as of today.
 */

export interface PropensityCustomer extends ClvCustomer {
  /** Engagement counts or rates (opens, clicks, sessions…); a missing name counts as 0. */
  engagement?: Readonly<Record<string, number>>;
}

/**
 * RFM in the histories' unit, with counts and money on a log scale (their long right tails would
 * otherwise dominate a linear score), plus BG/NBD's two summaries of the same history.
 */
export const BASE_PROPENSITY_FEATURES = [
  'log_frequency',
  'recency',
  'age',
  'time_since_last_purchase',
  'log_monetary',
  'p_alive',
  'expected_purchases',
] as const;

export function propensityFeatureNames(engagementNames: readonly string[] = []): string[] {
  return [...BASE_PROPENSITY_FEATURES, ...engagementNames.map((name) => `engagement_${name}`)];
}

/** One row in the order of `propensityFeatureNames(engagementNames)`; `horizon` in the histories' unit. */
export function propensityFeatureRow(
  customer: PropensityCustomer,
  bgNbd: BgNbdParams,
  horizon: number,
  engagementNames: readonly string[] = [],
): number[] {
  return [
    Math.log1p(customer.frequency),
    customer.recency,
    customer.age,
    customer.age - customer.recency,
    Math.log1p(Math.max(customer.monetary, 0)),
    probabilityAlive(bgNbd, customer),
    expectedPurchases(bgNbd, customer, horizon),
    ...engagementNames.map((name) => customer.engagement?.[name] ?? 0),
  ];
}

export interface PropensityOptions extends LogisticRegressionOptions {
  /** Refuse below this many customers. */
  minExamples?: number;
  /** Refuse when either label has fewer customers than this (and than `folds`). */
  minPerClass?: number;
  folds?: number;
  /** Seed of the fold shuffle, so a cross-validation is repeatable. */
  seed?: number;
}

export const PROPENSITY_MIN_EXAMPLES = 100;
export const PROPENSITY_MIN_PER_CLASS = 20;

export interface PropensityModel {
  featureNames: string[];
  regression: LogisticRegressionModel;
  examples: number;
  positives: number;
}

export interface CrossValidation {
  folds: number;
  /** Mean of the per-fold ROC AUCs (as scikit-learn's cross_val_score reports). */
  meanAuc: number;
  foldAucs: number[];
  /** ROC AUC of all out-of-fold predictions together. */
  pooledAuc: number;
}

export function trainPropensityModel(
  rows: readonly (readonly number[])[],
  labels: readonly (0 | 1)[],
  featureNames: readonly string[],
  options: PropensityOptions = {},
): PropensityModel {
  const positives = checkExamples(labels, options, 1);
  return {
    featureNames: [...featureNames],
    regression: fitLogisticRegression(rows, labels, options),
    examples: labels.length,
    positives,
  };
}

export function predictPropensity(model: PropensityModel, row: readonly number[]): number {
  return predictProbability(model.regression, row);
}

/** Stratified k-fold cross-validated ROC AUC of the propensity regression on these rows. */
export function crossValidatePropensity(
  rows: readonly (readonly number[])[],
  labels: readonly (0 | 1)[],
  options: PropensityOptions = {},
): CrossValidation {
  const folds = options.folds ?? 5;
  if (!(Number.isInteger(folds) && folds >= 2))
    throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`);
  checkExamples(labels, options, folds);
  const foldOf = stratifiedFolds(labels, folds, options.seed ?? 1);
  const predictions = new Array<number>(labels.length).fill(0);
  const foldAucs: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = labels.map((_, index) => index).filter((index) => foldOf[index] !== fold);
    const test = labels.map((_, index) => index).filter((index) => foldOf[index] === fold);
    const model = fitLogisticRegression(
      train.map((index) => rows[index]!),
      train.map((index) => labels[index]!),
      options,
    );
    for (const index of test) predictions[index] = predictProbability(model, rows[index]!);
    foldAucs.push(
      rocAuc(
        test.map((index) => predictions[index]!),
        test.map((index) => labels[index]!),
      ),
    );
  }
  return {
    folds,
    meanAuc: foldAucs.reduce((sum, auc) => sum + auc, 0) / folds,
    foldAucs,
    pooledAuc: rocAuc(predictions, labels),
  };
}

/** Returns the number of positives. */
function checkExamples(labels: readonly (0 | 1)[], options: PropensityOptions, folds: number): number {
  const minExamples = options.minExamples ?? PROPENSITY_MIN_EXAMPLES;
  if (labels.length < minExamples) {
    throw new InsufficientDataError(
      'propensity',
      `purchase propensity needs at least ${minExamples} customers, got ${labels.length}`,
    );
  }
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new DegenerateDataError(
      'propensity',
      `purchase propensity needs customers who bought and who did not; all ${labels.length} ` +
        `${positives === 0 ? 'did not buy' : 'bought'}`,
    );
  }
  const minPerClass = Math.max(options.minPerClass ?? PROPENSITY_MIN_PER_CLASS, folds);
  if (Math.min(positives, negatives) < minPerClass) {
    throw new InsufficientDataError(
      'propensity',
      `purchase propensity needs at least ${minPerClass} customers who bought and ${minPerClass} who did not, ` +
        `got ${positives} and ${negatives}`,
    );
  }
  return positives;
}

/**
 * Fold index per example: each label's examples shuffled (seeded) and dealt round-robin, so every
 * fold has about the same share of buyers.
 */
export function stratifiedFolds(labels: readonly (0 | 1)[], folds: number, seed: number): number[] {
  const random = seededRandom(seed);
  const foldOf = new Array<number>(labels.length).fill(0);
  let dealt = 0;
  for (const label of [1, 0] as const) {
    const members = labels
      .map((value, index) => (value === label ? index : -1))
      .filter((index) => index >= 0);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const index of members) foldOf[index] = dealt++ % folds;
  }
  return foldOf;
}
