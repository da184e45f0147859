/**
 * Dates in rule values and traits, parsed by hand: `Date.parse` reads a date-time without an offset
 * as local time and accepts `2024-02-31`, and the evaluator must not allocate per profile.
 */

const DIGIT_0 = 48;

function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) return -1; // also NaN, past the end of the text
    value = value * 10 + digit;
  }
  return value;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** `[T ]HH:MM[:SS[.fff…]]` then `Z`, `±HH:MM`, `±HHMM` or nothing (UTC); ms into the day minus the offset. */
function timeOfDayMs(text: string, start: number): number | undefined {
  const hour = digitsAt(text, start, 2);
  const minute = digitsAt(text, start + 3, 2);
  if (hour < 0 || hour > 23 || text.charCodeAt(start + 2) !== 58 || minute < 0 || minute > 59)
    return undefined;
  let ms = hour * 3_600_000 + minute * 60_000;
  let i = start + 5;
  if (text.charCodeAt(i) === 58) {
    const second = digitsAt(text, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    ms += second * 1000;
    i += 3;
    if (text.charCodeAt(i) === 46) {
      i++;
      let scale = 100;
      const fractionStart = i;
      while (i < text.length && text.charCodeAt(i) >= DIGIT_0 && text.charCodeAt(i) <= DIGIT_0 + 9) {
        ms += (text.charCodeAt(i) - DIGIT_0) * scale;
        scale /= 10;
        i++;
      }
      if (i === fractionStart) return undefined;
      ms = Math.floor(ms);
    }
  }
  if (i === text.length) return ms;
  const sign = text.charCodeAt(i);
  if ((sign === 90 || sign === 122) && i + 1 === text.length) return ms; // Z or z
  if (sign !== 43 && sign !== 45) return undefined; // + or -
  const offsetHour = digitsAt(text, i + 1, 2);
  const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
  const offsetMinute = digitsAt(text, i + 3 + colon, 2);
  if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) return undefined;
  if (i + 5 + colon !== text.length) return undefined;
  const offset = offsetHour * 3_600_000 + offsetMinute * 60_000;
  return sign === 43 ? ms - offset : ms + offset;
}

/**
 * An instant (UTC epoch ms) from a rule value or trait: a finite number is epoch milliseconds; a
 * string is ISO 8601 `YYYY-MM-DD` (UTC midnight) or a date-time (`Z`/offset, or UTC when it has
 * none). Anything else is not a date.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || !validDate(year, month, day))
    return undefined;
  const midnight = Date.UTC(year, month - 1, day);
  if (value.length === 10) return midnight;
  const separator = value.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return undefined; // T, t or space
  const time = timeOfDayMs(value, 11);
  return time === undefined ? undefined : midnight + time;
}

/** Month and day packed as `month * 100 + day` (0501 = 1 May), so calendar checks allocate nothing. */
export type MonthDay = number;

/**
 * The calendar day of a date trait for anniversaries: the month and day as written for ISO strings
 * (`1990-05-17`, `1990-05-17T23:00:00-05:00` → 17 May; also `--05-17` and `05-17` without a year),
 * the UTC date for epoch milliseconds.
 */
export function monthDayOf(value: unknown): MonthDay | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? utcMonthDay(value) : undefined;
  if (typeof value !== 'string') return undefined;
  let start: number;
  if (value.length === 5) start = 0;
  else if (value.length === 7 && value.charCodeAt(0) === 45 && value.charCodeAt(1) === 45) start = 2;
  else if (value.length >= 10 && value.charCodeAt(4) === 45 && digitsAt(value, 0, 4) >= 0) start = 5;
  else return undefined;
  const month = digitsAt(value, start, 2);
  const day = digitsAt(value, start + 3, 2);
  if (value.charCodeAt(start + 2) !== 45) return undefined;
  // Without a year, 29 February is a valid birthday; with one, the year decides.
  const year = start === 5 ? digitsAt(value, 0, 4) : 2000;
  return validDate(year, month, day) ? month * 100 + day : undefined;
}

/**
 * The UTC month and day of an instant, by arithmetic rather than a Date object (this runs per
 * profile): H. Hinnant's civil-from-days, on a March-based year so leap days fall last.
 */
export function utcMonthDay(at: number): MonthDay {
  const days = Math.floor(at / 86_400_000) + 719_468;
  const dayOfEra = days - Math.floor(days / 146_097) * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return month * 100 + day;
}
