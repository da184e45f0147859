import { describe, expect, it } from 'vitest';
import { compileRule, compileSegmentRule } from '../../../../src/segments/rules/compile.js';
import { DAY, NOW, profile, rule } from './fixtures.js';

const traitRule = (trait: string, op: string, value?: unknown) =>
  rule(value === undefined ? { type: 'trait', trait, op } : { type: 'trait', trait, op, value });

/** Whether a profile with `traits` matches `{ trait, op, value }` at NOW. */
function matches(traits: Record<string, unknown>, trait: string, op: string, value?: unknown): boolean {
  return compileSegmentRule(traitRule(trait, op, value))(profile({ traits }), NOW);
}

describe('trait: equality and lists', () => {
  it('eq compares strings case-insensitively, numbers numerically, booleans with their words', () => {
    expect(matches({ first_name: 'ANN' }, 'first_name', 'eq', 'ann')).toBe(true);
    expect(matches({ first_name: 'Anna' }, 'first_name', 'eq', 'ann')).toBe(false);
    expect(matches({ age: '42' }, 'age', 'eq', 42)).toBe(true);
    expect(matches({ age: 42.5 }, 'age', 'eq', 42)).toBe(false);
    expect(matches({ zip: 12345 }, 'zip', 'eq', '12345')).toBe(true);
    expect(matches({ vip: 'TRUE' }, 'vip', 'eq', true)).toBe(true);
    expect(matches({ vip: false }, 'vip', 'eq', true)).toBe(false);
    expect(matches({}, 'first_name', 'eq', 'ann')).toBe(false);
  });

  it('lower-cases non-ASCII text too (JavaScript toLowerCase, no full case folding)', () => {
    expect(matches({ city: 'ÉCOLE' }, 'city', 'eq', 'école')).toBe(true);
    expect(matches({ city: 'Ecole' }, 'city', 'eq', 'école')).toBe(false);
    // İ lower-cases to two code units: lengths differ, the values still match.
    expect(matches({ city: 'İSTANBUL' }, 'city', 'eq', 'i\u0307stanbul')).toBe(true);
    expect(matches({ city: 'STRASSE' }, 'city', 'eq', 'straße')).toBe(false);
    expect(matches({ city: 'Shoes' }, 'city', 'eq', 'shoe')).toBe(false);
  });

  it('neq, not_in and not_contains are the exact negations, so they hold without a value', () => {
    expect(matches({ first_name: 'Bob' }, 'first_name', 'neq', 'ann')).toBe(true);
    expect(matches({ first_name: 'Ann' }, 'first_name', 'neq', 'ANN')).toBe(false);
    expect(matches({}, 'first_name', 'neq', 'ann')).toBe(true);
    expect(matches({}, 'country', 'not_in', ['US'])).toBe(true);
    expect(matches({}, 'tags', 'not_contains', 'vip')).toBe(true);
  });

  it('in / not_in match any listed value', () => {
    expect(matches({ country: 'fr' }, 'country', 'in', ['US', 'FR'])).toBe(true);
    expect(matches({ country: 'DE' }, 'country', 'in', ['US', 'FR'])).toBe(false);
    expect(matches({ country: 'DE' }, 'country', 'not_in', ['US', 'FR'])).toBe(true);
    expect(matches({ size: 9 }, 'size', 'in', [8, 9])).toBe(true);
  });

  it('contains looks inside strings (case-insensitive) and arrays (element equality)', () => {
    expect(matches({ email: 'Ann@Example.com' }, 'email', 'contains', '@example.')).toBe(true);
    expect(matches({ tags: ['VIP', 'wholesale'] }, 'tags', 'contains', 'vip')).toBe(true);
    expect(matches({ tags: ['vipish'] }, 'tags', 'contains', 'vip')).toBe(false);
    expect(matches({ tags: ['vip'] }, 'tags', 'not_contains', 'vip')).toBe(false);
    expect(matches({ tags: 7 }, 'tags', 'contains', 'vip')).toBe(false);
  });

  it('exists treats null, empty strings and empty arrays as no value', () => {
    expect(matches({ phone: '+33 1' }, 'phone', 'exists')).toBe(true);
    for (const empty of [null, '', []]) {
      expect(matches({ phone: empty }, 'phone', 'exists')).toBe(false);
      expect(matches({ phone: empty }, 'phone', 'not_exists')).toBe(true);
    }
    expect(matches({}, 'phone', 'not_exists')).toBe(true);
    expect(matches({ opted: false }, 'opted', 'exists')).toBe(true);
  });

  it('reads nested traits by dotted path, preferring a flat key with the dots', () => {
    expect(matches({ address: { city: 'Lyon' } }, 'address.city', 'eq', 'lyon')).toBe(true);
    expect(
      matches({ 'address.city': 'Paris', address: { city: 'Lyon' } }, 'address.city', 'eq', 'paris'),
    ).toBe(true);
    expect(matches({ address: 'Lyon' }, 'address.city', 'exists')).toBe(false);
  });
});

describe('trait: ordering', () => {
  it('orders numbers, numeric strings and nothing else against a number', () => {
    expect(matches({ age: 30 }, 'age', 'gt', 29)).toBe(true);
    expect(matches({ age: '30' }, 'age', 'gte', 30)).toBe(true);
    expect(matches({ age: 30 }, 'age', 'lt', 30)).toBe(false);
    expect(matches({ age: 30 }, 'age', 'lte', 30)).toBe(true);
    expect(matches({ age: 'thirty' }, 'age', 'lt', 100)).toBe(false);
    expect(matches({ age: 'thirty' }, 'age', 'gt', 0)).toBe(false);
  });

  it('orders dates against an ISO date: ISO strings with offsets and epoch ms alike', () => {
    expect(matches({ signup: '2025-03-01' }, 'signup', 'lt', '2025-04-01')).toBe(true);
    expect(matches({ signup: '2025-03-31T23:30:00-02:00' }, 'signup', 'lt', '2025-04-01')).toBe(false);
    expect(matches({ signup: Date.UTC(2025, 2, 1) }, 'signup', 'gte', '2025-03-01')).toBe(true);
    expect(matches({ signup: 'soon' }, 'signup', 'gt', '2025-03-01')).toBe(false);
  });

  it('orders other strings case-insensitively', () => {
    expect(matches({ last_name: 'martin' }, 'last_name', 'lt', 'N')).toBe(true);
    expect(matches({ last_name: 'Zola' }, 'last_name', 'lt', 'n')).toBe(false);
  });

  it('between includes both bounds, for numbers and dates', () => {
    expect(matches({ age: 18 }, 'age', 'between', [18, 65])).toBe(true);
    expect(matches({ age: 65 }, 'age', 'between', [18, 65])).toBe(true);
    expect(matches({ age: 66 }, 'age', 'between', [18, 65])).toBe(false);
    expect(matches({ signup: '2025-02-10' }, 'signup', 'between', ['2025-02-01', '2025-02-28'])).toBe(true);
    expect(matches({ signup: '2025-03-10' }, 'signup', 'between', ['2025-02-01', '2025-02-28'])).toBe(false);
  });
});

describe('trait: relative dates', () => {
  it('within_last_days: (now - N days, now]', () => {
    expect(matches({ signup: NOW - 29 * DAY }, 'signup', 'within_last_days', 30)).toBe(true);
    expect(matches({ signup: NOW - 30 * DAY }, 'signup', 'within_last_days', 30)).toBe(false);
    expect(matches({ signup: NOW + DAY }, 'signup', 'within_last_days', 30)).toBe(false);
    expect(matches({ signup: 'no date' }, 'signup', 'within_last_days', 30)).toBe(false);
  });

  it('more_than_days_ago: at or before now - N days', () => {
    expect(matches({ signup: NOW - 30 * DAY }, 'signup', 'more_than_days_ago', 30)).toBe(true);
    expect(
      matches({ signup: new Date(NOW - 31 * DAY).toISOString() }, 'signup', 'more_than_days_ago', 30),
    ).toBe(true);
    expect(matches({ signup: NOW - 29 * DAY }, 'signup', 'more_than_days_ago', 30)).toBe(false);
    expect(matches({}, 'signup', 'more_than_days_ago', 30)).toBe(false);
  });

  it('says when the window passes the date', () => {
    const within = compileRule(traitRule('signup', 'within_last_days', 30));
    const ago = compileRule(traitRule('signup', 'more_than_days_ago', 30));
    const signedUp = profile({ traits: { signup: NOW - 10 * DAY } });
    expect(within.nextChangeAt(signedUp, NOW)).toBe(NOW + 20 * DAY);
    expect(ago.nextChangeAt(signedUp, NOW)).toBe(NOW + 20 * DAY);
    expect(within.matches(signedUp, NOW + 20 * DAY - 1)).toBe(true);
    expect(within.matches(signedUp, NOW + 20 * DAY)).toBe(false);
    expect(ago.matches(signedUp, NOW + 20 * DAY)).toBe(true);
    // A date in the future enters the window when it arrives; an old one never changes again.
    expect(within.nextChangeAt(profile({ traits: { signup: NOW + DAY } }), NOW)).toBe(NOW + DAY);
    expect(ago.nextChangeAt(profile({ traits: { signup: NOW - 40 * DAY } }), NOW)).toBeNull();
    expect(compileRule(traitRule('first_name', 'eq', 'x')).nextChangeAt(signedUp, NOW)).toBeNull();
  });
});

describe('trait: birthdays and anniversaries (UTC by default)', () => {
  // NOW is 17 May 2025.
  it('matches the month and day, whatever the year or format', () => {
    expect(matches({ birthday: '1990-05-17' }, 'birthday', 'birthday_today')).toBe(true);
    expect(matches({ birthday: '--05-17' }, 'birthday', 'birthday_today')).toBe(true);
    expect(matches({ birthday: '05-17' }, 'birthday', 'birthday_today')).toBe(true);
    expect(matches({ birthday: Date.UTC(1990, 4, 17, 23) }, 'birthday', 'birthday_today')).toBe(true);
    expect(matches({ signup: '2020-05-17T23:30:00-07:00' }, 'signup', 'anniversary_today')).toBe(true);
    expect(matches({ birthday: '1990-05-18' }, 'birthday', 'birthday_today')).toBe(false);
    expect(matches({ birthday: '1990-05-32' }, 'birthday', 'birthday_today')).toBe(false);
    expect(matches({}, 'birthday', 'birthday_today')).toBe(false);
  });

  it('celebrates 29 February on 28 February in years without one', () => {
    const birthday = compileSegmentRule(traitRule('birthday', 'birthday_today'));
    const leapling = profile({ traits: { birthday: '2000-02-29' } });
    expect(birthday(leapling, Date.UTC(2025, 1, 28, 10))).toBe(true);
    expect(birthday(leapling, Date.UTC(2025, 2, 1, 10))).toBe(false);
    expect(birthday(leapling, Date.UTC(2028, 1, 28, 10))).toBe(false);
    expect(birthday(leapling, Date.UTC(2028, 1, 29, 10))).toBe(true);
  });

  it('changes at the end of the day, or at the start of the next one', () => {
    const birthday = compileRule(traitRule('birthday', 'birthday_today'));
    expect(birthday.nextChangeAt(profile({ traits: { birthday: '1990-05-17' } }), NOW)).toBe(
      Date.UTC(2025, 4, 18),
    );
    expect(birthday.nextChangeAt(profile({ traits: { birthday: '1990-06-02' } }), NOW)).toBe(
      Date.UTC(2025, 5, 2),
    );
    expect(birthday.nextChangeAt(profile({ traits: { birthday: '1990-01-05' } }), NOW)).toBe(
      Date.UTC(2026, 0, 5),
    );
    expect(birthday.nextChangeAt(profile({ traits: { birthday: '1992-02-29' } }), NOW)).toBe(
      Date.UTC(2026, 1, 28),
    );
    expect(birthday.nextChangeAt(profile({ traits: { birthday: 'unknown' } }), NOW)).toBeNull();
  });
});
