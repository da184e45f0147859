import type { PurchaseHistory } from './bg-nbd.js';

/**
 * Per-customer purchase histories from a transaction list, the way lifetimes'
 * `summary_data_from_transaction_data` and `calibration_and_holdout_data` build them with daily
 * periods: purchases are grouped by UTC day (two orders on one day are one purchase, their amounts
 * summed), repeat purchases are the distinct purchase days after the first, recency is first to
 * last purchase day, age is first purchase day to the end of calibration (inclusive), and monetary
 * is the mean value of the repeat purchase days. Times are then expressed in days or weeks (days/7,
 * fractional, as in the published CDNOW summary).
 */

export interface Transaction {
  customerId: string;
  date: Date;
  amount: number;
}

export type TimeUnit = 'days' | 'weeks';
export const DAYS_PER_UNIT: Record<TimeUnit, number> = { days: 1, weeks: 7 };

export interface CustomerSummary extends PurchaseHistory {
  customerId: string;
  /** Mean value of the repeat purchase days; 0 without repeat purchases. */
  monetary: number;
  /** Value of the first purchase day, which the BG/NBD and Gamma-Gamma fits leave out. */
  firstPurchaseValue: number;
  firstPurchase: Date;
}

export interface SummaryOptions {
  /** Last day of the calibration window (UTC day; a time of day is ignored). */
  calibrationEnd: Date;
  unit: TimeUnit;
}

export interface HoldoutOptions extends SummaryOptions {
  /** Last day of the holdout window, after `calibrationEnd`. */
  holdoutEnd: Date;
}

export interface CalibrationHoldoutSummary extends CustomerSummary {
  /** Distinct purchase days in (calibrationEnd, holdoutEnd]. */
  holdoutFrequency: number;
  /** Total value bought in the holdout window. */
  holdoutValue: number;
}

const MS_PER_DAY = 86_400_000;

export function utcDay(date: Date): number {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new RangeError('invalid date');
  return Math.floor(time / MS_PER_DAY);
}

/** Customers whose first purchase falls on or before the calibration end, in order of first appearance. */
export function summarizeTransactions(
  transactions: readonly Transaction[],
  options: SummaryOptions,
): CustomerSummary[] {
  return calibrationAndHoldout(transactions, {
    ...options,
    holdoutEnd: options.calibrationEnd,
  }).customers.map(({ holdoutFrequency: _frequency, holdoutValue: _value, ...summary }) => summary);
}

/**
 * Calibration summaries plus what each customer bought in the holdout window. Customers first seen
 * in the holdout window are left out (the models say nothing about them), and so is anything after
 * `holdoutEnd`. `holdoutDuration` is the holdout window's length in `unit`.
 */
export function calibrationAndHoldout(
  transactions: readonly Transaction[],
  options: HoldoutOptions,
): { customers: CalibrationHoldoutSummary[]; holdoutDuration: number } {
  const calibrationEnd = utcDay(options.calibrationEnd);
  const holdoutEnd = utcDay(options.holdoutEnd);
  if (holdoutEnd < calibrationEnd) throw new RangeError('the holdout window must end after calibration');
  const perUnit = DAYS_PER_UNIT[options.unit];
  const daysByCustomer = new Map<string, Map<number, number>>();
  transactions.forEach((transaction, index) => {
    if (!Number.isFinite(transaction.amount)) {
      throw new RangeError(
        `transaction #${index} of ${transaction.customerId}: amount must be a finite number`,
      );
    }
    const day = utcDay(transaction.date);
    if (day > holdoutEnd) return;
    let days = daysByCustomer.get(transaction.customerId);
    if (!days) {
      days = new Map();
      daysByCustomer.set(transaction.customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + transaction.amount);
  });

  const customers: CalibrationHoldoutSummary[] = [];
  for (const [customerId, days] of daysByCustomer) {
    const sorted = [...days.keys()].sort((left, right) => left - right);
    const first = sorted[0]!;
    if (first > calibrationEnd) continue;
    let calibrationDays = 0;
    let last = first;
    let repeatValue = 0;
    let holdoutFrequency = 0;
    let holdoutValue = 0;
    for (const day of sorted) {
      const value = days.get(day)!;
      if (day > calibrationEnd) {
        holdoutFrequency++;
        holdoutValue += value;
        continue;
      }
      calibrationDays++;
      last = day;
      if (day !== first) repeatValue += value;
    }
    const frequency = calibrationDays - 1;
    customers.push({
      customerId,
      frequency,
      recency: (last - first) / perUnit,
      age: (calibrationEnd - first) / perUnit,
      monetary: frequency > 0 ? repeatValue / frequency : 0,
      firstPurchaseValue: days.get(first)!,
      firstPurchase: new Date(first * MS_PER_DAY),
      holdoutFrequency,
      holdoutValue,
    });
  }
  return { customers, holdoutDuration: (holdoutEnd - calibrationEnd) / perUnit };
}
