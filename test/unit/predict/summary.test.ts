import { describe, expect, it } from 'vitest';
import { parseCdnowTransactions } from '../../../src/predict/cdnow-format.js';
import {
  calibrationAndHoldout,
  summarizeTransactions,
  type Transaction,
} from '../../../src/predict/summary.js';

const at = (day: string, customerId: string, amount: number): Transaction => ({
  customerId,
  date: new Date(`${day}T12:00:00Z`),
  amount,
});

// Calibration ends 2024-01-29 (day 28 after 2024-01-01); holdout to 2024-02-28.
const transactions: Transaction[] = [
  at('2024-01-01', 'a', 10),
  at('2024-01-01', 'a', 5), // same day: one purchase of 15
  at('2024-01-08', 'a', 20),
  at('2024-01-15', 'a', 40),
  at('2024-02-10', 'a', 7), // holdout
  at('2024-02-10', 'a', 3), // holdout, same day
  at('2024-03-15', 'a', 99), // after the holdout: ignored
  at('2024-01-22', 'b', 30), // one purchase only
  at('2024-01-29', 'c', 12), // first purchase on the calibration end
  at('2024-02-01', 'd', 50), // first seen in the holdout: not summarised
];
const options = { calibrationEnd: new Date('2024-01-29T00:00:00Z'), unit: 'days' as const };

describe('summarizeTransactions', () => {
  it('counts distinct purchase days after the first, in days', () => {
    const summaries = summarizeTransactions(transactions, options);
    expect(summaries.map((summary) => summary.customerId)).toEqual(['a', 'b', 'c']);
    const [a, b, c] = summaries;
    expect(a).toMatchObject({ frequency: 2, recency: 14, age: 28, monetary: 30, firstPurchaseValue: 15 });
    expect(a!.firstPurchase.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(b).toMatchObject({ frequency: 0, recency: 0, age: 7, monetary: 0, firstPurchaseValue: 30 });
    expect(c).toMatchObject({ frequency: 0, recency: 0, age: 0 });
  });

  it('expresses times in weeks as days / 7', () => {
    const [a] = summarizeTransactions(transactions, { ...options, unit: 'weeks' });
    expect(a).toMatchObject({ frequency: 2, recency: 2, age: 4 });
  });

  it('ignores the transactions order', () => {
    const shuffled = [...transactions].reverse();
    expect(
      summarizeTransactions(shuffled, options).find((summary) => summary.customerId === 'a'),
    ).toMatchObject({
      frequency: 2,
      recency: 14,
      monetary: 30,
    });
  });
});

describe('calibrationAndHoldout', () => {
  it('adds what each calibration customer bought in the holdout window', () => {
    const { customers, holdoutDuration } = calibrationAndHoldout(transactions, {
      ...options,
      holdoutEnd: new Date('2024-02-28T00:00:00Z'),
    });
    expect(holdoutDuration).toBe(30);
    expect(
      customers.map((customer) => [customer.customerId, customer.holdoutFrequency, customer.holdoutValue]),
    ).toEqual([
      ['a', 1, 10],
      ['b', 0, 0],
      ['c', 0, 0],
    ]);
  });

  it('rejects a holdout that ends before calibration and non-numeric amounts', () => {
    expect(() =>
      calibrationAndHoldout(transactions, { ...options, holdoutEnd: new Date('2024-01-01') }),
    ).toThrow(RangeError);
    expect(() => summarizeTransactions([at('2024-01-01', 'x', Number.NaN)], options)).toThrow(/amount/);
  });
});

describe('parseCdnowTransactions', () => {
  it('reads the whitespace-separated CDNOW lines, CRLF included', () => {
    const text =
      ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n\r\n 00021 0002 19970101  3   63.34\r\n';
    expect(parseCdnowTransactions(text)).toEqual([
      { customerId: '1', date: new Date('1997-01-01T00:00:00Z'), amount: 29.33 },
      { customerId: '1', date: new Date('1997-01-18T00:00:00Z'), amount: 29.73 },
      { customerId: '2', date: new Date('1997-01-01T00:00:00Z'), amount: 63.34 },
    ]);
  });

  it('names the line it cannot read', () => {
    expect(() =>
      parseCdnowTransactions(' 00004 0001 19970101  2   29.33\n 00004 0001 1997-01-18 2 29.73'),
    ).toThrow(/CDNOW line 2/);
    expect(() => parseCdnowTransactions(' 00004 0001 19970230  2   29.33')).toThrow(/not a calendar date/);
  });
});
