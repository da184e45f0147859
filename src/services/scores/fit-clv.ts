import {
  calibrationAndHoldout,
  clvTiers,
  crossValidatePropensity,
  customerLifetimeValue,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  ModelRefusalError,
  predictPropensity,
  probabilityAlive,
  propensityFeatureNames,
  propensityFeatureRow,
  summarizeTransactions,
  type Transaction,
  trainPropensityModel,
  UNITS_PER_MONTH,
} from '../../predict/index.js';
import type { PredictionSettings } from './settings.js';

export interface ClvScores {
  clv: number;
  tier: 'high' | 'medium' | 'low';
  expectedPurchases: number;
  pAlive: number;
}

/** What one model fit produced, as stored in the `models` table. */
export interface ModelOutcome {
  status: 'fitted' | 'refused';
  parameters?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  message?: string;
}

const DAY_MS = 86_400_000;

/**
 * CLV (BG/NBD × Gamma-Gamma over `clv.months`), P(alive) and expected purchases in the propensity
 * horizon, in days, from every completed order up to `now`. A model that refuses (too few repeat
 * buyers, degenerate data) leaves its scores empty and says why, rather than storing noise.
 */
export function fitClv(
  transactions: readonly Transaction[],
  now: Date,
  settings: PredictionSettings,
): { scores: Map<string, ClvScores>; outcome: ModelOutcome } {
  const scores = new Map<string, ClvScores>();
  const customers = summarizeTransactions(transactions, { calibrationEnd: now, unit: 'days' });
  try {
    const bgNbd = fitBgNbd(customers);
    const gammaGamma = fitGammaGamma(customers);
    const options = {
      months: settings.clv.months,
      unitsPerMonth: UNITS_PER_MONTH.days,
      monthlyDiscountRate: settings.clv.monthlyDiscountRate,
    };
    const values = customers.map((customer) =>
      customerLifetimeValue(bgNbd.params, gammaGamma.params, customer, options),
    );
    const tiers = clvTiers(values, settings.clv.tiers);
    customers.forEach((customer, i) => {
      scores.set(customer.customerId, {
        clv: values[i]!,
        tier: tiers.tiers[i]!,
        expectedPurchases: expectedPurchases(bgNbd.params, customer, settings.propensity.horizonDays),
        pAlive: probabilityAlive(bgNbd.params, customer),
      });
    });
    return {
      scores,
      outcome: {
        status: 'fitted',
        parameters: { bgNbd: bgNbd.params, gammaGamma: gammaGamma.params, unit: 'days', ...options },
        metrics: {
          customers: bgNbd.customers,
          repeatCustomers: bgNbd.repeatCustomers,
          bgNbdLogLikelihood: bgNbd.logLikelihood,
          gammaGammaLogLikelihood: gammaGamma.logLikelihood,
          frequencyMonetaryCorrelation: gammaGamma.frequencyMonetaryCorrelation,
          highThreshold: finiteOrNull(tiers.highThreshold),
          mediumThreshold: finiteOrNull(tiers.mediumThreshold),
        },
      },
    };
  } catch (error) {
    if (error instanceof ModelRefusalError)
      return { scores, outcome: { status: 'refused', message: error.message } };
    throw error;
  }
}

/**
 * Purchase propensity: logistic regression on RFM and BG/NBD features, trained on the history up
 * to `horizonDays` ago with label "bought in the following horizonDays", cross-validated; then
 * applied to every customer's history up to now.
 */
export function fitPropensity(
  transactions: readonly Transaction[],
  now: Date,
  settings: PredictionSettings,
): { scores: Map<string, number>; outcome: ModelOutcome } {
  const scores = new Map<string, number>();
  const horizon = settings.propensity.horizonDays;
  const calibrationEnd = new Date(now.getTime() - horizon * DAY_MS);
  try {
    const { customers: training } = calibrationAndHoldout(transactions, {
      calibrationEnd,
      holdoutEnd: now,
      unit: 'days',
    });
    const trainingFit = fitBgNbd(training);
    const rows = training.map((customer) => propensityFeatureRow(customer, trainingFit.params, horizon));
    const labels = training.map((customer) => (customer.holdoutFrequency > 0 ? 1 : 0) as 0 | 1);
    const validation = crossValidatePropensity(rows, labels, { folds: settings.propensity.folds });
    const model = trainPropensityModel(rows, labels, propensityFeatureNames());

    const current = summarizeTransactions(transactions, { calibrationEnd: now, unit: 'days' });
    const currentFit = fitBgNbd(current);
    for (const customer of current) {
      scores.set(
        customer.customerId,
        predictPropensity(model, propensityFeatureRow(customer, currentFit.params, horizon)),
      );
    }
    return {
      scores,
      outcome: {
        status: 'fitted',
        parameters: {
          horizonDays: horizon,
          features: model.featureNames,
          trainedUpTo: calibrationEnd.toISOString(),
        },
        metrics: {
          examples: model.examples,
          positives: model.positives,
          cvAuc: validation.meanAuc,
          cvFoldAucs: validation.foldAucs,
          pooledAuc: validation.pooledAuc,
        },
      },
    };
  } catch (error) {
    if (error instanceof ModelRefusalError)
      return { scores, outcome: { status: 'refused', message: error.message } };
    throw error;
  }
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
