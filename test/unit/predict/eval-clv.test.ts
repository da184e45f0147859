import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEvalClvArgs, parseTransactionsCsv, runEvalClv, UsageError } from '../../../src/cli/eval-clv.js';

const BASE = [
  '--transactions',
  'x.txt',
  '--format',
  'cdnow',
  '--calibration-end',
  '1997-09-30',
  '--holdout-end',
  '1998-06-30',
];

describe('eval:clv arguments', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads the flags, with defaults for the optional ones', () => {
    const args = parseEvalClvArgs([...BASE, '--unit=days', '--folds', '10']);
    expect(args).toMatchObject({
      transactions: 'x.txt',
      format: 'cdnow',
      unit: 'days',
      folds: 10,
      seed: 1,
      months: 12,
    });
    expect(args.calibrationEnd.toISOString()).toBe('1997-09-30T00:00:00.000Z');
    expect(parseEvalClvArgs(BASE).unit).toBe('weeks');
  });

  it('names the flag that is wrong', () => {
    const cases: [string[], RegExp][] = [
      [BASE.slice(2), /--transactions is required/],
      [[...BASE.slice(0, 4), ...BASE.slice(6)], /--calibration-end is required/],
      [[...BASE, '--format', 'xml'], /--format must be one of cdnow, csv, got "xml"/],
      [[...BASE, '--calibration-end', '1997-02-30'], /--calibration-end must be a date YYYY-MM-DD/],
      [[...BASE, '--holdout-end', '1997-01-01'], /--holdout-end must be after --calibration-end/],
      [[...BASE, '--folds', '1'], /--folds must be an integer ≥ 2/],
      [[...BASE, '--unit'], /--unit needs a value/],
      [[...BASE, '--colour', 'red'], /unknown flag --colour/],
      [[...BASE, 'stray'], /unexpected argument "stray"/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseEvalClvArgs(argv)).toThrow(UsageError);
      expect(() => parseEvalClvArgs(argv)).toThrow(message);
    }
  });

  it('exits 2 on bad arguments and on an unreadable file', () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
    expect(runEvalClv(['--format', 'cdnow'])).toBe(2);
    expect(runEvalClv([...BASE.slice(2), '--transactions', '/nonexistent/cdnow.txt'])).toBe(2);
    expect(errors[0]).toBe('eval:clv: --transactions is required');
    expect(errors[1]).toMatch(/^eval:clv: --transactions: cannot read \/nonexistent\/cdnow.txt/);
  });
});

describe('parseTransactionsCsv', () => {
  it('reads customer_id, date and amount by header name', () => {
    const text = 'amount,customer_id,date,channel\n12.5,c1,2024-01-02,web\n\n3,c2,2024-01-03T10:00:00Z,app\n';
    expect(parseTransactionsCsv(text)).toEqual([
      { customerId: 'c1', date: new Date('2024-01-02'), amount: 12.5 },
      { customerId: 'c2', date: new Date('2024-01-03T10:00:00Z'), amount: 3 },
    ]);
    expect(() => parseTransactionsCsv('customer,date,amount\nc1,2024-01-02,1\n')).toThrow(/customer_id/);
    expect(() => parseTransactionsCsv('customer_id,date,amount\nc1,yesterday,1\n')).toThrow(/CSV row 2/);
  });
});
