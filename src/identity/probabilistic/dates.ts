/**
 * Date parsing for comparisons. A date keeps its parts as read even when they do not form a real
 * date (month 13 is often a day typed into the month box, which the day/month-swap level wants
 * to see), and a day number only when it is real (for "within N days").
 */

export interface DateParts {
  /** `YYYYMMDD`, zero-padded. */
  text: string;
  year: number;
  month: number;
  day: number;
  /** Days since 1970-01-01 when the parts form a real date, otherwise NaN. */
  dayNumber: number;
}

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DAY_FIRST_COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const SEPARATED = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/;
/** Two-digit years below this are 20xx, the rest 19xx (birth dates are mostly in the past century). */
const TWO_DIGIT_PIVOT = 30;

export function parseDate(raw: string, order: 'dmy' | 'mdy'): DateParts | null {
  const value = raw.trim();
  let match = ISO.exec(value);
  if (match) return parts(Number(match[1]), Number(match[2]), Number(match[3]));
  match = COMPACT.exec(value);
  // Eight digits starting 1x or 2x are year-first (FEBRL, many exports); otherwise day or month first.
  if (match && (value[0] === '1' || value[0] === '2')) {
    return parts(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  match = DAY_FIRST_COMPACT.exec(value);
  if (match) return fromOrdered(Number(match[1]), Number(match[2]), Number(match[3]), order);
  match = SEPARATED.exec(value);
  if (match) {
    let year = Number(match[3]);
    if (match[3]!.length === 2) year += year < TWO_DIGIT_PIVOT ? 2000 : 1900;
    return fromOrdered(Number(match[1]), Number(match[2]), year, order);
  }
  return null;
}

function fromOrdered(first: number, second: number, year: number, order: 'dmy' | 'mdy'): DateParts {
  return order === 'dmy' ? parts(year, second, first) : parts(year, first, second);
}

function parts(year: number, month: number, day: number): DateParts {
  const text = `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  let dayNumber = Number.NaN;
  if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
    const time = Date.UTC(year, month - 1, day);
    const check = new Date(time);
    // Date.UTC rolls 31 April into 1 May; a rolled date is not the date that was written.
    if (check.getUTCDate() === day) dayNumber = Math.round(time / 86_400_000);
  }
  return { text, year, month, day, dayNumber };
}
