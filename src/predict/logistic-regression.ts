import { DegenerateDataError, InvalidInputError, NotConvergedError } from './errors.js';

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS). Features are standardised
 * with the training rows' mean and standard deviation, so one penalty suits features in days,
 * counts and currency alike; the intercept is not penalised. The penalised log-likelihood is
 * strictly concave, so Newton converges in a handful of steps, and the penalty keeps the
 * coefficients finite when a feature separates the labels.
 */

export interface LogisticRegressionOptions {
  /** λ in −Σ log-loss − λ/2 ‖β‖² on standardised coefficients. */
  l2?: number;
  maxIterations?: number;
  /** Stop when no coefficient moves more than this in one Newton step. */
  tolerance?: number;
}

export interface LogisticRegressionModel {
  intercept: number;
  /** Per standardised feature. */
  coefficients: number[];
  means: number[];
  /** Standard deviations; 1 for a constant feature, whose coefficient the penalty then keeps at 0. */
  scales: number[];
  iterations: number;
  /** Unpenalised log-likelihood of the training rows. */
  logLikelihood: number;
}

export function fitLogisticRegression(
  rows: readonly (readonly number[])[],
  labels: readonly (0 | 1)[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  if (rows.length !== labels.length) {
    throw new InvalidInputError('logistic-regression', `${rows.length} rows for ${labels.length} labels`);
  }
  const width = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== width || !row.every(Number.isFinite))) {
    throw new InvalidInputError('logistic-regression', `every row needs ${width} finite features`);
  }
  const positives = labels.filter((label) => label === 1).length;
  if (positives === 0 || positives === labels.length) {
    throw new DegenerateDataError(
      'logistic-regression',
      `logistic regression needs both labels, got ${positives} positives of ${labels.length}`,
    );
  }
  const { means, scales } = standardisation(rows, width);
  const design = rows.map((row) => [1, ...row.map((value, j) => (value - means[j]!) / scales[j]!)]);
  const size = width + 1;
  const beta = new Array<number>(size).fill(0);
  beta[0] = Math.log(positives / (labels.length - positives));

  const logLikelihood = (coefficients: readonly number[]): number =>
    design.reduce((sum, x, n) => sum + logLikelihoodOf(dot(coefficients, x), labels[n]!), 0);
  const objective = (coefficients: readonly number[]): number =>
    logLikelihood(coefficients) -
    (l2 / 2) * coefficients.reduce((sum, value, j) => sum + (j === 0 ? 0 : value * value), 0);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = beta.map((value, j) => (j === 0 ? 0 : -l2 * value));
    const hessian = Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => (i === j && i > 0 ? l2 : 0)),
    );
    design.forEach((x, n) => {
      const p = sigmoid(dot(beta, x));
      const residual = labels[n]! - p;
      const weight = Math.max(p * (1 - p), 1e-12);
      for (let i = 0; i < size; i++) {
        gradient[i] = gradient[i]! + residual * x[i]!;
        const row = hessian[i]!;
        for (let j = 0; j <= i; j++) row[j] = row[j]! + weight * x[i]! * x[j]!;
      }
    });
    for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) hessian[i]![j] = hessian[j]![i]!;
    const step = solveSymmetricPositive(hessian, gradient);
    // Newton's full step can overshoot far from the optimum; halve it until the objective improves.
    const before = objective(beta);
    let scale = 1;
    let candidate = beta.map((value, j) => value + step[j]!);
    while (objective(candidate) < before && scale > 1e-6) {
      scale /= 2;
      candidate = beta.map((value, j) => value + scale * step[j]!);
    }
    let largest = 0;
    for (let j = 0; j < size; j++) {
      largest = Math.max(largest, Math.abs(candidate[j]! - beta[j]!));
      beta[j] = candidate[j]!;
    }
    if (largest <= tolerance) {
      return {
        intercept: beta[0]!,
        coefficients: beta.slice(1),
        means,
        scales,
        iterations: iteration,
        logLikelihood: logLikelihood(beta),
      };
    }
  }
  throw new NotConvergedError(
    'logistic-regression',
    `logistic regression did not converge in ${maxIterations} Newton steps`,
  );
}

/** P(label = 1) for one row of raw (unstandardised) features. */
export function predictProbability(model: LogisticRegressionModel, row: readonly number[]): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) {
    eta += (model.coefficients[j]! * (row[j]! - model.means[j]!)) / model.scales[j]!;
  }
  return sigmoid(eta);
}

function standardisation(rows: readonly (readonly number[])[], width: number) {
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) means[j] = means[j]! + row[j]! / rows.length;
  for (const row of rows) {
    for (let j = 0; j < width; j++) scales[j] = scales[j]! + (row[j]! - means[j]!) ** 2 / rows.length;
  }
  return { means, scales: scales.map((variance) => (variance > 0 ? Math.sqrt(variance) : 1)) };
}

function dot(left: readonly number[], right: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < left.length; i++) sum += left[i]! * right[i]!;
  return sum;
}

function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/** log p or log(1−p) without forming p, so a confident wrong prediction costs a finite amount. */
function logLikelihoodOf(eta: number, label: 0 | 1): number {
  const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
  return label === 1 ? eta - softplus : -softplus;
}

/** Cholesky solve of A x = b for symmetric positive definite A (the penalised Hessian). */
function solveSymmetricPositive(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const lower = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) {
        if (!(sum > 0))
          throw new DegenerateDataError('logistic-regression', 'the Hessian is not positive definite');
        lower[i]![i] = Math.sqrt(sum);
      } else lower[i]![j] = sum / lower[j]![j]!;
    }
  }
  const forward = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = rhs[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i]![k]! * forward[k]!;
    forward[i] = sum / lower[i]![i]!;
  }
  const solution = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < n; k++) sum -= lower[k]![i]! * solution[k]!;
    solution[i] = sum / lower[i]![i]!;
  }
  return solution;
}
