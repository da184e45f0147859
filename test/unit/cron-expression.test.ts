import { describe, expect, it } from 'vitest';
import { CronError, parseCron } from '../../src/scheduler/cron-expression.js';

const at = (iso: string) => new Date(iso);

describe('cron expressions', () => {
  it('matches minutes, steps, ranges and lists in UTC', () => {
    expect(parseCron('*/15 * * * *').matches(at('2026-01-01T10:30:00Z'))).toBe(true);
    expect(parseCron('*/15 * * * *').matches(at('2026-01-01T10:31:00Z'))).toBe(false);
    expect(parseCron('0 9-17 * * 1-5').matches(at('2026-01-05T12:00:00Z'))).toBe(true); // Monday
    expect(parseCron('0 9-17 * * 1-5').matches(at('2026-01-04T12:00:00Z'))).toBe(false); // Sunday
    expect(parseCron('5,35 3 * * *').matches(at('2026-03-01T03:35:00Z'))).toBe(true);
    expect(parseCron('0 0 * * 7').matches(at('2026-01-04T00:00:00Z'))).toBe(true); // 7 = Sunday
  });

  it('treats restricted day-of-month and day-of-week as either, like cron', () => {
    const expression = parseCron('0 0 1 * 1');
    expect(expression.matches(at('2026-02-01T00:00:00Z'))).toBe(true); // the 1st, a Sunday
    expect(expression.matches(at('2026-02-02T00:00:00Z'))).toBe(true); // a Monday
    expect(expression.matches(at('2026-02-03T00:00:00Z'))).toBe(false);
  });

  it('explains what is wrong with a bad expression', () => {
    expect(() => parseCron('* * * *')).toThrow(/expected 5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(CronError);
    expect(() => parseCron('61 * * * *')).toThrow(/minute: '61' is outside 0-59/);
    expect(() => parseCron('* * * * mon')).toThrow(/day of week/);
  });
});
