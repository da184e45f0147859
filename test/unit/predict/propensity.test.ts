import { describe, expect, it } from 'vitest';
import { DegenerateDataError, InsufficientDataError } from '../../../src/predict/errors.js';
import {
  crossValidatePropensity,
  predictPropensity,
  propensityFeatureNames,
  propensityFeatureRow,
  stratifiedFolds,
  trainPropensityModel,
} from '../../../src/predict/propensity.js';
import { seededRandom } from './simulate.js';

const BG_NBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** One informative feature and one noise feature; label probability rises with the first. */
function sample(seed: number, n: number) {
  const random = seededRandom(seed);
  const rows = Array.from({ length: n }, () => [random() * 4, random()]);
  const labels = rows.map(([x]): 0 | 1 => (random() < 1 / (1 + Math.exp(-(2 * x! - 4))) ? 1 : 0));
  return { rows, labels };
}

describe('propensity features', () => {
  it('lines up the row with the names, engagement last', () => {
    const names = propensityFeatureNames(['opens']);
    const row = propensityFeatureRow(
      { frequency: 2, recency: 30, age: 38, monetary: 20, engagement: { opens: 4 } },
      BG_NBD,
      39,
      ['opens', 'clicks'],
    );
    expect(names).toEqual([
      'log_frequency',
      'recency',
      'age',
      'time_since_last_purchase',
      'log_monetary',
      'p_alive',
      'expected_purchases',
      'engagement_opens',
    ]);
    expect(row.slice(0, 5)).toEqual([Math.log(3), 30, 38, 8, Math.log(21)]);
    expect(row[5]).toBeGreaterThan(0);
    expect(row[5]).toBeLessThan(1);
    expect(row.slice(7)).toEqual([4, 0]);
  });
});

describe('crossValidatePropensity', () => {
  it('scores an informative feature well above chance, and noise near it', () => {
    const { rows, labels } = sample(1, 1000);
    const informative = crossValidatePropensity(rows, labels, { folds: 5, seed: 3 });
    expect(informative.foldAucs).toHaveLength(5);
    expect(informative.meanAuc).toBeGreaterThan(0.8);
    expect(informative.pooledAuc).toBeGreaterThan(0.8);
    const noise = crossValidatePropensity(
      rows.map((row) => [row[1]!]),
      labels,
      { folds: 5, seed: 3 },
    );
    expect(noise.meanAuc).toBeGreaterThan(0.4);
    expect(noise.meanAuc).toBeLessThan(0.6);
  });

  it('is repeatable for a seed', () => {
    const { rows, labels } = sample(2, 300);
    expect(crossValidatePropensity(rows, labels, { seed: 9 })).toEqual(
      crossValidatePropensity(rows, labels, { seed: 9 }),
    );
  });

  it('deals each label evenly over the folds', () => {
    const labels = Array.from({ length: 103 }, (_, i): 0 | 1 => (i % 4 === 0 ? 1 : 0));
    const foldOf = stratifiedFolds(labels, 5, 1);
    for (let fold = 0; fold < 5; fold++) {
      const positives = labels.filter((label, i) => label === 1 && foldOf[i] === fold).length;
      expect(positives).toBeGreaterThanOrEqual(5);
      expect(positives).toBeLessThanOrEqual(6);
    }
  });

  it('refuses too few customers, a single label, and too few of one label', () => {
    const { rows, labels } = sample(4, 1000);
    expect(() => crossValidatePropensity(rows.slice(0, 50), labels.slice(0, 50))).toThrow(
      'purchase propensity needs at least 100 customers, got 50',
    );
    expect(() =>
      crossValidatePropensity(
        rows,
        labels.map(() => 0),
      ),
    ).toThrow(DegenerateDataError);
    const fewBuyers = labels.map((_, i): 0 | 1 => (i < 5 ? 1 : 0));
    expect(() => crossValidatePropensity(rows, fewBuyers)).toThrow(InsufficientDataError);
    expect(() => crossValidatePropensity(rows, labels, { folds: 1 })).toThrow(RangeError);
  });
});

describe('trainPropensityModel', () => {
  it('keeps the feature names and predicts higher for the informative direction', () => {
    const { rows, labels } = sample(5, 500);
    const model = trainPropensityModel(rows, labels, ['x', 'noise']);
    expect(model.featureNames).toEqual(['x', 'noise']);
    expect(model.examples).toBe(500);
    expect(predictPropensity(model, [3.5, 0.5])).toBeGreaterThan(predictPropensity(model, [0.5, 0.5]));
  });
});
