import { describe, expect, it } from 'vitest';
import { DegenerateDataError, InvalidInputError } from '../../../src/predict/errors.js';
import { fitLogisticRegression, predictProbability } from '../../../src/predict/logistic-regression.js';
import { seededRandom } from './simulate.js';

/** Rows with a known logistic relation: logit P(y=1) = −1 + 2·x₀ − 0.5·x₁ (x₂ is noise). */
function sample(seed: number, n: number) {
  const random = seededRandom(seed);
  const rows = Array.from({ length: n }, () => [random() * 2, random() * 10, random()]);
  const labels = rows.map(([x0, x1]): 0 | 1 =>
    random() < 1 / (1 + Math.exp(-(-1 + 2 * x0! - 0.5 * x1!))) ? 1 : 0,
  );
  return { rows, labels };
}

describe('fitLogisticRegression', () => {
  it('satisfies the optimality conditions of the penalised likelihood', () => {
    const { rows, labels } = sample(1, 400);
    const l2 = 2;
    const model = fitLogisticRegression(rows, labels, { l2 });
    const residuals = rows.map((row, n) => labels[n]! - predictProbability(model, row));
    // Unpenalised intercept: Σ (y − p) = 0.
    expect(Math.abs(residuals.reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-8);
    // Each standardised coefficient: Σ (y − p)·z_j = λ·β_j.
    model.coefficients.forEach((beta, j) => {
      const score = rows.reduce(
        (sum, row, n) => sum + residuals[n]! * ((row[j]! - model.means[j]!) / model.scales[j]!),
        0,
      );
      expect(Math.abs(score - l2 * beta)).toBeLessThan(1e-7);
    });
    expect(model.iterations).toBeLessThan(20);
  });

  it('recovers the direction and size of the true effects with a weak penalty', () => {
    const { rows, labels } = sample(2, 4000);
    const model = fitLogisticRegression(rows, labels, { l2: 1e-3 });
    // Back on the raw scale: β_raw = β_std / scale.
    const raw = model.coefficients.map((beta, j) => beta / model.scales[j]!);
    expect(raw[0]).toBeGreaterThan(1.6);
    expect(raw[0]).toBeLessThan(2.4);
    expect(raw[1]).toBeGreaterThan(-0.6);
    expect(raw[1]).toBeLessThan(-0.4);
    expect(Math.abs(raw[2]!)).toBeLessThan(0.4);
  });

  it('stays finite on separable data and on a constant feature', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i, 3]);
    const labels = rows.map(([x]): 0 | 1 => (x! >= 20 ? 1 : 0));
    const model = fitLogisticRegression(rows, labels, { l2: 0.1 });
    expect(model.coefficients.every(Number.isFinite)).toBe(true);
    expect(model.coefficients[1]).toBeCloseTo(0, 12);
    expect(predictProbability(model, [39, 3])).toBeGreaterThan(0.9);
    expect(predictProbability(model, [0, 3])).toBeLessThan(0.1);
  });

  it('refuses a single label and ragged rows', () => {
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow(DegenerateDataError);
    expect(() => fitLogisticRegression([[1], [2, 3]], [0, 1])).toThrow(InvalidInputError);
    expect(() => fitLogisticRegression([[1], [Number.NaN]], [0, 1])).toThrow(InvalidInputError);
  });
});
