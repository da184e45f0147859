/**
 * `npm run eval:clv -- --transactions FILE --format cdnow --calibration-end 1997-09-30 --holdout-end 1998-06-30`
 *
 * Fits BG/NBD and Gamma-Gamma on the calibration window of a transaction file, predicts each
 * customer's purchases in the holdout window, cross-validates the purchase-propensity regression
 * (label: any purchase in the holdout window), and prints the parameters and one summary line:
 *   clv: predicted_holdout_purchases=… actual=… mae=… propensity_auc=… frequency_auc=…
 * predicted = Σ conditional expected purchases over the holdout, actual = Σ purchase days observed
 * in it, mae = mean |predicted − actual| per customer; the AUCs are stratified k-fold means, the
 * second for purchase frequency alone (the baseline the regression has to beat).
 *
 * Options: --format cdnow|csv (csv: header `customer_id,date,amount`, ISO dates), --unit weeks|days
 * (default weeks, as the CDNOW literature), --folds N (5), --seed N (1), --months N (12) and
 * --discount-rate R (0.01 a month) for the CLV line. Bad arguments exit with code 2, a model that
 * refuses the data with code 1.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseCsvText } from '../../connectors/csv/parse.js';
import {
  type BgNbdFit,
  type CalibrationHoldoutSummary,
  type CrossValidation,
  calibrationAndHoldout,
  clvTiers,
  crossValidatePropensity,
  customerLifetimeValue,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaFit,
  ModelRefusalError,
  parseCdnowTransactions,
  propensityFeatureRow,
  type TimeUnit,
  type Transaction,
  UNITS_PER_MONTH,
} from '../predict/index.js';

/** A bad command line: exit code 2, with a message that names the flag. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface EvalClvArgs {
  transactions: string;
  format: 'cdnow' | 'csv';
  calibrationEnd: Date;
  holdoutEnd: Date;
  unit: TimeUnit;
  folds: number;
  seed: number;
  months: number;
  discountRate: number;
}

const FLAGS = [
  'transactions',
  'format',
  'calibration-end',
  'holdout-end',
  'unit',
  'folds',
  'seed',
  'months',
  'discount-rate',
] as const;
type Flag = (typeof FLAGS)[number];

export function parseEvalClvArgs(argv: readonly string[]): EvalClvArgs {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (!(FLAGS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown flag --${name} (known: ${FLAGS.map((flag) => `--${flag}`).join(', ')})`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values.set(name as Flag, value);
  }
  const required = (flag: Flag): string => {
    const value = values.get(flag);
    if (value === undefined) throw new UsageError(`--${flag} is required`);
    return value;
  };
  const oneOf = <T extends string>(flag: Flag, allowed: readonly T[], fallback?: T): T => {
    const value = fallback === undefined ? required(flag) : (values.get(flag) ?? fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
  const date = (flag: Flag): Date => {
    const value = required(flag);
    const parsed = new Date(`${value}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
      Number.isNaN(parsed.getTime()) ||
      !parsed.toISOString().startsWith(value)
    ) {
      throw new UsageError(`--${flag} must be a date YYYY-MM-DD, got "${value}"`);
    }
    return parsed;
  };
  const number = (flag: Flag, fallback: number, valid: (value: number) => boolean, what: string): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || !valid(value))
      throw new UsageError(`--${flag} must be ${what}, got "${text}"`);
    return value;
  };
  const args: EvalClvArgs = {
    transactions: required('transactions'),
    format: oneOf('format', ['cdnow', 'csv']),
    calibrationEnd: date('calibration-end'),
    holdoutEnd: date('holdout-end'),
    unit: oneOf('unit', ['weeks', 'days'], 'weeks'),
    folds: number('folds', 5, (value) => Number.isInteger(value) && value >= 2, 'an integer ≥ 2'),
    seed: number('seed', 1, Number.isInteger, 'an integer'),
    months: number('months', 12, (value) => Number.isInteger(value) && value >= 0, 'an integer ≥ 0'),
    discountRate: number('discount-rate', 0.01, (value) => value > -1, 'a monthly rate above -1'),
  };
  if (args.holdoutEnd <= args.calibrationEnd) {
    throw new UsageError('--holdout-end must be after --calibration-end');
  }
  return args;
}

/** A `customer_id,date,amount` CSV (header names, any column order; extra columns ignored). */
export function parseTransactionsCsv(text: string): Transaction[] {
  const [header, ...rows] = parseCsvText(text);
  const columns = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
  const index = (name: string): number => {
    const at = columns.indexOf(name);
    if (at < 0) throw new SyntaxError(`the CSV header has no "${name}" column`);
    return at;
  };
  const [id, date, amount] = [index('customer_id'), index('date'), index('amount')];
  return rows
    .filter((row) => row.fields.some((field) => field.trim() !== ''))
    .map((row, n) => {
      const when = new Date(row.fields[date]?.trim() ?? '');
      const value = Number(row.fields[amount]);
      const customerId = row.fields[id]?.trim() ?? '';
      if (customerId === '' || Number.isNaN(when.getTime()) || !Number.isFinite(value)) {
        throw new SyntaxError(`CSV row ${n + 2}: needs a customer_id, an ISO date and a numeric amount`);
      }
      return { customerId, date: when, amount: value };
    });
}

export interface ClvEvaluation {
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
  customers: CalibrationHoldoutSummary[];
  holdoutDuration: number;
  predictedHoldoutPurchases: number;
  actualHoldoutPurchases: number;
  meanAbsoluteError: number;
  propensity: CrossValidation;
  frequencyOnly: CrossValidation;
  clv: number[];
  tierCounts: Record<'high' | 'medium' | 'low', number>;
}

export function evaluateClv(
  transactions: readonly Transaction[],
  args: Omit<EvalClvArgs, 'transactions' | 'format'>,
): ClvEvaluation {
  const { customers, holdoutDuration } = calibrationAndHoldout(transactions, args);
  const bgNbd = fitBgNbd(customers);
  const gammaGamma = fitGammaGamma(customers);
  let predictedHoldoutPurchases = 0;
  let actualHoldoutPurchases = 0;
  let absoluteErrors = 0;
  for (const customer of customers) {
    const predicted = expectedPurchases(bgNbd.params, customer, holdoutDuration);
    predictedHoldoutPurchases += predicted;
    actualHoldoutPurchases += customer.holdoutFrequency;
    absoluteErrors += Math.abs(predicted - customer.holdoutFrequency);
  }
  const labels = customers.map((customer): 0 | 1 => (customer.holdoutFrequency > 0 ? 1 : 0));
  const cv = { folds: args.folds, seed: args.seed };
  const propensity = crossValidatePropensity(
    customers.map((customer) => propensityFeatureRow(customer, bgNbd.params, holdoutDuration)),
    labels,
    cv,
  );
  const frequencyOnly = crossValidatePropensity(
    customers.map((customer) => [customer.frequency]),
    labels,
    cv,
  );
  const clvOptions = {
    months: args.months,
    unitsPerMonth: UNITS_PER_MONTH[args.unit],
    monthlyDiscountRate: args.discountRate,
  };
  const clv = customers.map((customer) =>
    customerLifetimeValue(bgNbd.params, gammaGamma.params, customer, clvOptions),
  );
  const tierCounts = { high: 0, medium: 0, low: 0 };
  for (const tier of clvTiers(clv).tiers) tierCounts[tier]++;
  return {
    bgNbd,
    gammaGamma,
    customers,
    holdoutDuration,
    predictedHoldoutPurchases,
    actualHoldoutPurchases,
    meanAbsoluteError: customers.length === 0 ? 0 : absoluteErrors / customers.length,
    propensity,
    frequencyOnly,
    clv,
    tierCounts,
  };
}

export function formatClvReport(
  evaluation: ClvEvaluation,
  args: Pick<EvalClvArgs, 'unit' | 'months' | 'discountRate'>,
): string[] {
  const { bgNbd, gammaGamma } = evaluation;
  const meanClv = evaluation.clv.reduce((sum, value) => sum + value, 0) / Math.max(evaluation.clv.length, 1);
  return [
    `bg-nbd: r=${bgNbd.params.r.toFixed(4)} alpha=${bgNbd.params.alpha.toFixed(4)} a=${bgNbd.params.a.toFixed(4)} ` +
      `b=${bgNbd.params.b.toFixed(4)} log_likelihood=${bgNbd.logLikelihood.toFixed(2)} iterations=${bgNbd.iterations} ` +
      `customers=${bgNbd.customers} repeat_customers=${bgNbd.repeatCustomers} unit=${args.unit}`,
    `gamma-gamma: p=${gammaGamma.params.p.toFixed(4)} q=${gammaGamma.params.q.toFixed(4)} v=${gammaGamma.params.v.toFixed(4)} ` +
      `log_likelihood=${gammaGamma.logLikelihood.toFixed(2)} iterations=${gammaGamma.iterations} ` +
      `customers=${gammaGamma.customers} frequency_monetary_correlation=${gammaGamma.frequencyMonetaryCorrelation.toFixed(4)}`,
    `clv-value: months=${args.months} monthly_discount_rate=${args.discountRate} mean=${meanClv.toFixed(2)} ` +
      `high=${evaluation.tierCounts.high} medium=${evaluation.tierCounts.medium} low=${evaluation.tierCounts.low}`,
    `clv: predicted_holdout_purchases=${evaluation.predictedHoldoutPurchases.toFixed(2)} ` +
      `actual=${evaluation.actualHoldoutPurchases} mae=${evaluation.meanAbsoluteError.toFixed(4)} ` +
      `propensity_auc=${evaluation.propensity.meanAuc.toFixed(4)} frequency_auc=${evaluation.frequencyOnly.meanAuc.toFixed(4)}`,
  ];
}

function readTransactions(args: EvalClvArgs): Transaction[] {
  let text: string;
  try {
    text = readFileSync(args.transactions, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--transactions: cannot read ${args.transactions} (${reason})`);
  }
  try {
    return args.format === 'cdnow' ? parseCdnowTransactions(text) : parseTransactionsCsv(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UsageError(
      `--transactions ${args.transactions} is not --format ${args.format}: ${error.message}`,
    );
  }
}

/** Runs the CLI; returns the exit code (0 ok, 1 a model refused, 2 bad arguments). */
export function runEvalClv(argv: readonly string[], print: (line: string) => void = console.log): number {
  try {
    const args = parseEvalClvArgs(argv);
    const evaluation = evaluateClv(readTransactions(args), args);
    for (const line of formatClvReport(evaluation, args)) print(line);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`eval:clv: ${error.message}`);
      return 2;
    }
    if (error instanceof ModelRefusalError) {
      console.error(`eval:clv: ${error.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runEvalClv(process.argv.slice(2));
}
