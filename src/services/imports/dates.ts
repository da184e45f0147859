import type { Parsed } from './values.js';

/**
 * Order dates accepted from files:
 * - ISO 8601: `2026-03-31`, `2026-03-31T14:05`, `2026-03-31 14:05:09.250`, with `Z`, `+02:00`,
 *   `+0200` or `+02`; without an offset the time is UTC.
 * - Unix time: 9–10 digits are seconds, 12–13 digits milliseconds.
 * - With `date_format=mdy` or `dmy`: `3/31/2026` or `31/3/2026` (also `.` or `-` between the
 *   parts), optionally followed by `14:05`, `14:05:09` or `2:05 PM`; always UTC. Slash dates are
 *   refused without it because 03/04/2026 means March in one country and April in another.
 */
export const DATE_FORMATS = ['iso', 'mdy', 'dmy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;
const NUMERIC =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AP]M))?)?$/i;

export function parseOrderDate(raw: string, format: DateFormat): Parsed<Date> {
  const text = raw.trim();
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', zone] = iso;
    return build(
      raw,
      +y!,
      +mo!,
      +d!,
      +h,
      +mi,
      +s,
      Math.round(Number(`0.${fraction}`) * 1000),
      offsetMinutes(zone),
    );
  }
  if (/^\d{9,10}$/.test(text)) return { ok: true, value: new Date(Number(text) * 1000) };
  if (/^\d{12,13}$/.test(text)) return { ok: true, value: new Date(Number(text)) };
  const numeric = NUMERIC.exec(text);
  if (numeric && format !== 'iso') {
    const [, a, b, y, h = '0', mi = '0', s = '0', meridiem] = numeric;
    const [month, day] = format === 'mdy' ? [+a!, +b!] : [+b!, +a!];
    let hour = +h;
    if (meridiem) {
      if (hour < 1 || hour > 12) return refuse(raw, format);
      hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
    }
    return build(raw, +y!, month, day, hour, +mi, +s, 0, 0, format);
  }
  return refuse(raw, format, numeric !== null);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

function build(
  raw: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offset: number,
  format: DateFormat = 'iso',
): Parsed<Date> {
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-30 over to March; a date that does not survive the round trip is not a date.
  const exists =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!exists) return refuse(raw, format);
  return { ok: true, value: new Date(utc - offset * 60_000) };
}

function refuse(raw: string, format: DateFormat, looksNumeric = false): Parsed<Date> {
  const accepted =
    format === 'iso'
      ? 'ISO 8601 (2026-03-31, 2026-03-31T14:05:00Z) or Unix seconds/milliseconds'
      : `ISO 8601, Unix seconds/milliseconds or ${format === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY'} [H:MM[:SS] [AM|PM]]`;
  const hint = looksNumeric ? '; for day/month dates set date_format=mdy or dmy' : '';
  return { ok: false, reason: `'${raw}' is not a date this import reads: use ${accepted}${hint}` };
}
