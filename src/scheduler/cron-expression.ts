/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, UTC): `*`, numbers,
 * ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`. Enough for sync schedules, and runs the
 * same on Node and Workers (node-cron is Node-only and not needed to decide what is due).
 */
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export interface CronExpression {
  source: string;
  matches(date: Date): boolean;
}

export class CronError extends Error {
  override readonly name = 'CronError';
}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new CronError(`${field.name}: '${part}' is not a number, range, step or *`);
    const step = match[4] === undefined ? 1 : Number(match[4]);
    const from = match[1] === '*' ? field.min : Number(match[2]);
    const to =
      match[1] === '*'
        ? field.max
        : match[3] === undefined
          ? match[4] === undefined
            ? from
            : field.max
          : Number(match[3]);
    if (step < 1) throw new CronError(`${field.name}: step must be at least 1`);
    if (from < field.min || to > field.max || from > to) {
      throw new CronError(`${field.name}: '${part}' is outside ${field.min}-${field.max}`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

export function parseCron(source: string): CronExpression {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new CronError(`expected 5 fields (minute hour day month weekday), got ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    parseField(part, FIELDS[index]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  return {
    source,
    matches(date) {
      if (
        !minutes.has(date.getUTCMinutes()) ||
        !hours.has(date.getUTCHours()) ||
        !months.has(date.getUTCMonth() + 1)
      )
        return false;
      const dayOk = days.has(date.getUTCDate());
      const weekdayOk = weekdays.has(date.getUTCDay());
      // Classic cron: when both day fields are restricted, either may match.
      if (dayRestricted && weekdayRestricted) return dayOk || weekdayOk;
      return dayOk && weekdayOk;
    },
  };
}
