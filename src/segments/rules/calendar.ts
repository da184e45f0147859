import { daysInMonth, isLeapYear, type MonthDay } from './dates.js';
import { DAY_MS } from './limits.js';

/** The local calendar day containing an instant, and the instants it starts and ends. */
export interface LocalDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** First instant of the day (UTC ms). */
  readonly start: number;
  /** First instant of the next day (UTC ms). */
  readonly end: number;
}

/**
 * Calendar days in UTC or an IANA time zone, for birthdays and anniversaries. `today(now)` is asked
 * once per profile with the same `now` across a recompute, so the last answer is kept: Intl is
 * costly, and this way it runs once per recompute rather than once per profile.
 */
export interface Calendar {
  readonly timeZone: string;
  today(now: number): LocalDay;
  /** First instant of a local date (which may be out of range: day 32 rolls into the next month). */
  startOf(year: number, month: number, day: number): number;
}

export function createCalendar(timeZone = 'UTC'): Calendar {
  const offsetAt = timeZone === 'UTC' ? () => 0 : zoneOffsetReader(timeZone);
  const localDayNumber = (at: number) => Math.floor((at + offsetAt(at)) / DAY_MS);
  const startOf = (year: number, month: number, day: number): number => {
    const wallMidnight = Date.UTC(year, month - 1, day);
    // The offset in force at local midnight is not known before the instant is: two rounds give
    // the candidates (the offsets either side of a DST change). The day starts at the earliest
    // one that is already in it: where a change skips midnight (America/Santiago), at 01:00.
    const first = wallMidnight - offsetAt(wallMidnight - offsetAt(wallMidnight));
    const second = wallMidnight - offsetAt(first);
    const target = Math.floor(wallMidnight / DAY_MS);
    const inDay = [first, second].filter((candidate) => localDayNumber(candidate) >= target);
    return inDay.length > 0 ? Math.min(...inDay) : Math.max(first, second);
  };
  let cachedNow = Number.NaN;
  let cachedDay: LocalDay | undefined;
  return {
    timeZone,
    startOf,
    today(now) {
      if (now === cachedNow && cachedDay) return cachedDay;
      const local = new Date(now + offsetAt(now));
      const year = local.getUTCFullYear();
      const month = local.getUTCMonth() + 1;
      const day = local.getUTCDate();
      cachedDay = { year, month, day, start: startOf(year, month, day), end: startOf(year, month, day + 1) };
      cachedNow = now;
      return cachedDay;
    },
  };
}

/** Throws a RangeError naming the zone when Intl does not know it. */
function zoneOffsetReader(timeZone: string): (at: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (at) => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(at)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    return wall - (at - (((at % 1000) + 1000) % 1000));
  };
}

/**
 * Whether `monthDay` falls on `today`: 29 February counts on 28 February in years without one.
 */
export function isAnniversary(monthDay: MonthDay, today: LocalDay): boolean {
  const month = Math.floor(monthDay / 100);
  const day = monthDay % 100;
  if (month !== today.month) return false;
  if (day === today.day) return true;
  return month === 2 && day === 29 && today.day === 28 && !isLeapYear(today.year);
}

/** The first instant after `today` at which `isAnniversary(monthDay, …)` becomes true. */
export function nextAnniversaryStart(monthDay: MonthDay, today: LocalDay, calendar: Calendar): number {
  const month = Math.floor(monthDay / 100);
  const day = monthDay % 100;
  for (let year = today.year; year <= today.year + 1; year++) {
    const observedDay = Math.min(day, daysInMonth(year, month));
    const isLater = month > today.month || (month === today.month && observedDay > today.day);
    if (year > today.year || isLater) return calendar.startOf(year, month, observedDay);
  }
  // Unreachable: the next year always has the date; kept so the type is a number.
  return today.end + 365 * DAY_MS;
}
