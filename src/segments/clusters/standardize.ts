import type { FeatureMatrix } from './matrix.js';

/**
 * z-scores, so that a feature counted in dollars does not outweigh one counted in orders. The
 * standard deviation is the population one (ddof 0, like scikit-learn's StandardScaler).
 */
export interface Scaler {
  means: number[];
  /** Divisors: the standard deviation, or 1 for a constant feature. */
  scales: number[];
  /**
   * Features with (numerically) zero variance. Dividing by their deviation would make every value
   * NaN; with a divisor of 1 they become 0 everywhere, so they add nothing to any distance and are
   * never named in a description.
   */
  constant: boolean[];
}

const RELATIVE_ZERO_VARIANCE = 1e-12;

export function fitScaler(data: FeatureMatrix): Scaler {
  const { rows, cols, values } = data;
  if (rows === 0) throw new RangeError('cannot standardise an empty matrix');
  const means = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]!;
      if (!Number.isFinite(v)) {
        throw new RangeError(`feature ${c} of row ${r} is ${v}: impute missing values before clustering`);
      }
      means[c]! += v;
    }
  }
  for (let c = 0; c < cols; c++) means[c]! /= rows;
  const squares = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const diff = values[r * cols + c]! - means[c]!;
      squares[c]! += diff * diff;
    }
  }
  const scales: number[] = [];
  const constant: boolean[] = [];
  for (let c = 0; c < cols; c++) {
    const sd = Math.sqrt(squares[c]! / rows);
    // Relative to the mean: a column of 1e6 ± rounding noise is as constant as a column of zeros.
    const isConstant = sd <= RELATIVE_ZERO_VARIANCE * Math.max(1, Math.abs(means[c]!));
    constant.push(isConstant);
    scales.push(isConstant ? 1 : sd);
  }
  return { means: Array.from(means), scales, constant };
}

export function applyScaler(scaler: Scaler, data: FeatureMatrix): FeatureMatrix {
  const { rows, cols, values } = data;
  if (cols !== scaler.means.length) {
    throw new RangeError(`matrix has ${cols} features, the scaler ${scaler.means.length}`);
  }
  const out = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      out[i] = scaler.constant[c] ? 0 : (values[i]! - scaler.means[c]!) / scaler.scales[c]!;
    }
  }
  return { rows, cols, values: out };
}

/** Back from the standardised space to the features' own units (for reporting centroids). */
export function unscaleRow(scaler: Scaler, row: ArrayLike<number>): number[] {
  return Array.from(row, (z, c) => scaler.means[c]! + z * scaler.scales[c]!);
}

/** Into the standardised space: a constant feature maps to 0, as in `applyScaler`. */
export function scaleRow(scaler: Scaler, row: ArrayLike<number>): number[] {
  return Array.from(row, (v, c) => (scaler.constant[c] ? 0 : (v - scaler.means[c]!) / scaler.scales[c]!));
}
