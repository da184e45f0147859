/**
 * Why a model refused to fit. The engines refuse rather than return parameters fitted to noise:
 * a model status shows the message, and callers branch on `code`, never on the text.
 */
export type RefusalCode = 'insufficient_data' | 'degenerate_data' | 'invalid_input' | 'not_converged';

/** The model that refused, as shown in a model status. */
export type PredictModel = 'bg-nbd' | 'gamma-gamma' | 'logistic-regression' | 'propensity' | 'roc-auc';

export abstract class ModelRefusalError extends Error {
  abstract readonly code: RefusalCode;
  constructor(
    readonly model: PredictModel,
    message: string,
  ) {
    super(message);
  }
}

/** Too few customers or examples to estimate the parameters. */
export class InsufficientDataError extends ModelRefusalError {
  override readonly name = 'InsufficientDataError';
  readonly code = 'insufficient_data';
}

/** Enough rows, but nothing to learn from (no repeat buyers, one label, identical values…). */
export class DegenerateDataError extends ModelRefusalError {
  override readonly name = 'DegenerateDataError';
  readonly code = 'degenerate_data';
}

/** A row the model's definition excludes (recency after age, negative frequency…). */
export class InvalidInputError extends ModelRefusalError {
  override readonly name = 'InvalidInputError';
  readonly code = 'invalid_input';
}

/** The optimiser stopped before meeting its tolerance. */
export class NotConvergedError extends ModelRefusalError {
  override readonly name = 'NotConvergedError';
  readonly code = 'not_converged';
}
