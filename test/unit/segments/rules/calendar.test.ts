import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../../src/segments/rules/calendar.js';
import { compileRule } from '../../../../src/segments/rules/compile.js';
import { monthDayOf, parseInstant, utcMonthDay } from '../../../../src/segments/rules/dates.js';
import { DAY, NOW, profile, rule } from './fixtures.js';

describe('parseInstant', () => {
  it('reads ISO dates as UTC midnight and date-times with or without an offset (none = UTC)', () => {
    expect(parseInstant('2025-05-17')).toBe(Date.UTC(2025, 4, 17));
    expect(parseInstant('2025-05-17T10:20')).toBe(Date.UTC(2025, 4, 17, 10, 20));
    expect(parseInstant('2025-05-17 10:20:30.5')).toBe(Date.UTC(2025, 4, 17, 10, 20, 30, 500));
    expect(parseInstant('2025-05-17T10:20:30Z')).toBe(Date.UTC(2025, 4, 17, 10, 20, 30));
    expect(parseInstant('2025-05-17T10:20:30+02:00')).toBe(Date.UTC(2025, 4, 17, 8, 20, 30));
    expect(parseInstant('2025-05-17T10:20:30-0530')).toBe(Date.UTC(2025, 4, 17, 15, 50, 30));
    expect(parseInstant(1_700_000_000_000)).toBe(1_700_000_000_000);
  });

  it('rejects impossible dates and other text', () => {
    for (const bad of [
      '2025-02-29',
      '2025-13-01',
      '2025-04-31',
      '2025-05-17T24:00',
      '2025-05-17T10:20+2',
      'May 17',
      '',
    ]) {
      expect(parseInstant(bad)).toBeUndefined();
    }
    expect(parseInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant(Number.NaN)).toBeUndefined();
    expect(parseInstant(true)).toBeUndefined();
  });

  it('utcMonthDay agrees with Date on every day from 1890 to 2110, before and after 1970', () => {
    const mismatches: number[] = [];
    for (let at = Date.UTC(1890, 0, 1, 13); at < Date.UTC(2110, 0, 1); at += DAY) {
      const date = new Date(at);
      if (utcMonthDay(at) !== (date.getUTCMonth() + 1) * 100 + date.getUTCDate()) mismatches.push(at);
    }
    expect(mismatches).toEqual([]);
    expect(utcMonthDay(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe(229);
    expect(utcMonthDay(Date.UTC(1969, 11, 31, 23, 59, 59, 999))).toBe(1231);
  });

  it('monthDayOf keeps the written calendar day', () => {
    expect(monthDayOf('1990-05-17T23:30:00-07:00')).toBe(517);
    expect(monthDayOf('--02-29')).toBe(229);
    expect(monthDayOf('1991-02-29')).toBeUndefined();
    expect(monthDayOf('13-01')).toBeUndefined();
  });
});

describe('createCalendar', () => {
  it('UTC days', () => {
    expect(createCalendar().today(NOW)).toEqual({
      year: 2025,
      month: 5,
      day: 17,
      start: Date.UTC(2025, 4, 17),
      end: Date.UTC(2025, 4, 18),
    });
  });

  it('days in an IANA zone, including the 23- and 25-hour days of DST changes', () => {
    const newYork = createCalendar('America/New_York');
    expect(newYork.today(NOW)).toMatchObject({
      day: 17,
      start: Date.UTC(2025, 4, 17, 4),
      end: Date.UTC(2025, 4, 18, 4),
    });
    expect(newYork.today(Date.UTC(2025, 2, 9, 12))).toMatchObject({
      day: 9,
      start: Date.UTC(2025, 2, 9, 5),
      end: Date.UTC(2025, 2, 10, 4),
    });
    expect(newYork.today(Date.UTC(2025, 10, 2, 12))).toMatchObject({
      day: 2,
      start: Date.UTC(2025, 10, 2, 4),
      end: Date.UTC(2025, 10, 3, 5),
    });
    expect(createCalendar('Asia/Kolkata').today(NOW)).toMatchObject({
      day: 17,
      start: Date.UTC(2025, 4, 16, 18, 30),
    });
    // Early in the UTC day, it is already tomorrow in Kiritimati (UTC+14).
    expect(createCalendar('Pacific/Kiritimati').today(Date.UTC(2025, 4, 17, 11))).toMatchObject({
      month: 5,
      day: 18,
    });
  });

  it('where midnight does not exist (Santiago skips 00:00-01:00), the day starts at 01:00', () => {
    const santiago = createCalendar('America/Santiago');
    const realStart = Date.UTC(2025, 8, 7, 4); // 01:00 -03 on 7 September 2025
    expect(santiago.today(Date.UTC(2025, 8, 6, 20)).end).toBe(realStart);
    expect(santiago.today(realStart - 1)).toMatchObject({ day: 6, end: realStart });
    expect(santiago.today(realStart)).toMatchObject({ day: 7, start: realStart });
    // Falling back at midnight (April 2025: 24:00 -03 becomes 23:00 -04) makes a 25-hour day.
    expect(santiago.today(Date.UTC(2025, 3, 5, 20))).toMatchObject({ day: 5, end: Date.UTC(2025, 3, 6, 4) });
  });

  it('refuses an unknown zone', () => {
    expect(() => createCalendar('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('birthdays in a time zone', () => {
  const birthday = rule({ type: 'trait', trait: 'birthday', op: 'birthday_today' });

  it('uses the zone calendar day for "today" and its boundaries for the change', () => {
    const tokyo = compileRule(birthday, { timeZone: 'Asia/Tokyo' });
    const utc = compileRule(birthday);
    // 20:00 UTC on 16 May is 05:00 on 17 May in Tokyo.
    const at = Date.UTC(2025, 4, 16, 20);
    const p = profile({ traits: { birthday: '1990-05-17' } });
    expect(tokyo.matches(p, at)).toBe(true);
    expect(utc.matches(p, at)).toBe(false);
    expect(tokyo.nextChangeAt(p, at)).toBe(Date.UTC(2025, 4, 17, 15));
    expect(utc.nextChangeAt(p, at)).toBe(Date.UTC(2025, 4, 17));
    expect(tokyo.explain(p, at).detail).toBe('birthday = "1990-05-17"; today is 2025-05-17 (Asia/Tokyo)');
  });
});
