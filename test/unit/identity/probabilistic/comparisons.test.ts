import { describe, expect, it } from 'vitest';
import { compileComparators, fieldLevelLabels } from '../../../../src/identity/probabilistic/comparisons.js';
import { parseDate } from '../../../../src/identity/probabilistic/dates.js';
import {
  type LinkageSettingsInput,
  linkageSettingsSchema,
  type PersonRecord,
  prepareRecords,
} from '../../../../src/identity/probabilistic/index.js';

const settingsInput: LinkageSettingsInput = {
  fields: [
    {
      key: 'first',
      columns: ['first_name'],
      levels: [
        { kind: 'exact' },
        { kind: 'swapped', field: 'last' },
        { kind: 'jaroWinkler', min: 0.92 },
        { kind: 'jaroWinkler', min: 0.8 },
      ],
    },
    { key: 'last', columns: ['last_name'], levels: [{ kind: 'exact' }] },
    {
      key: 'dob',
      columns: ['dob'],
      normalize: 'date',
      levels: [
        { kind: 'exact' },
        { kind: 'damerau', max: 1 },
        { kind: 'dateDayMonthSwapped' },
        { kind: 'dateWithinDays', days: 30 },
        { kind: 'dateSameMonthDay', years: 10 },
        { kind: 'dateWithinYears', years: 1 },
      ],
    },
    {
      key: 'amount',
      columns: ['amount'],
      normalize: 'number',
      levels: [{ kind: 'numberWithin', abs: 1, rel: 0.1 }],
    },
    {
      key: 'zip',
      columns: ['zip'],
      normalize: 'digits',
      levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 2 }],
    },
  ],
  blockingRules: [{ keys: [{ field: 'last' }] }],
};
const settings = linkageSettingsSchema.parse(settingsInput);

/** Level label each field reaches for one pair. */
function levels(a: PersonRecord, b: PersonRecord): Record<string, string> {
  const prepared = prepareRecords(settings, [a], [b]);
  const comparators = compileComparators(settings.fields, prepared);
  return Object.fromEntries(
    settings.fields.map((field, f) => {
      const level = comparators[f]!(0, 1);
      return [field.key, level === 0 ? 'null' : fieldLevelLabels(field)[level - 1]!];
    }),
  );
}

describe('comparison levels', () => {
  it('takes the first level that holds, null when a side is missing, else when none holds', () => {
    expect(
      levels({ first_name: 'Martha', last_name: 'x' }, { first_name: 'MARTHA ', last_name: '' }),
    ).toMatchObject({
      first: 'exact',
      last: 'null',
      dob: 'null',
    });
    expect(levels({ first_name: 'martha' }, { first_name: 'marhta' }).first).toBe('jaro_winkler>=0.92');
    expect(levels({ first_name: 'dwayne' }, { first_name: 'duane' }).first).toBe('jaro_winkler>=0.8');
    expect(levels({ first_name: 'anna' }, { first_name: 'boris' }).first).toBe('else');
  });

  it('sees given name and surname swapped between the records', () => {
    expect(
      levels({ first_name: 'smith', last_name: 'john' }, { first_name: 'john', last_name: 'smith' }),
    ).toMatchObject({ first: 'swapped_with_last', last: 'else' });
  });

  it('grades dates: typo, day/month swap, days apart, same birthday other year, year apart', () => {
    const dob = (a: string, b: string) => levels({ dob: a }, { dob: b }).dob;
    expect(dob('1980-03-04', '19800304')).toBe('exact');
    expect(dob('1980-03-04', '1980-03-05')).toBe('damerau<=1');
    expect(dob('1980-03-11', '1980-11-03')).toBe('day_month_swapped');
    expect(dob('1980-03-28', '1980-04-15')).toBe('within_30_days');
    expect(dob('1980-03-04', '1975-03-04')).toBe('same_month_day_years<=10');
    expect(dob('1980-01-20', '1981-07-02')).toBe('within_1_years');
    expect(dob('1980-01-20', '1990-07-02')).toBe('else');
  });

  it('grades numbers by absolute or relative difference', () => {
    const amount = (a: string, b: string) => levels({ amount: a }, { amount: b }).amount;
    expect(amount('100', '100.9')).toBe('within_abs_1_rel_0.1');
    expect(amount('1,000', '1090')).toBe('within_abs_1_rel_0.1');
    expect(amount('100', '120')).toBe('else');
    expect(amount('n/a', '120')).toBe('null');
  });

  it('compares digit fields on their digits', () => {
    expect(levels({ zip: '02139' }, { zip: '0213-9' }).zip).toBe('exact');
    expect(levels({ zip: '02139' }, { zip: '02193' }).zip).toBe('levenshtein<=2');
  });
});

describe('parseDate', () => {
  it('reads ISO, compact and separated dates in the configured order', () => {
    expect(parseDate('1990-04-03', 'mdy')?.text).toBe('19900403');
    expect(parseDate('1990-04-03T10:00:00Z', 'mdy')?.text).toBe('19900403');
    expect(parseDate('19900403', 'mdy')?.text).toBe('19900403');
    expect(parseDate('03/04/1990', 'mdy')?.text).toBe('19900304');
    expect(parseDate('03/04/1990', 'dmy')?.text).toBe('19900403');
    expect(parseDate('03.04.85', 'dmy')?.text).toBe('19850403');
    expect(parseDate('not a date', 'dmy')).toBeNull();
  });

  it('keeps impossible dates as written but without a day number', () => {
    const date = parseDate('19901304', 'mdy')!;
    expect(date.text).toBe('19901304');
    expect(date.dayNumber).toBeNaN();
    expect(parseDate('2021-02-30', 'mdy')!.dayNumber).toBeNaN();
    expect(parseDate('2021-02-28', 'mdy')!.dayNumber).toBe(18_686);
  });
});
