import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CRON_SCHEDULES, distinctCrons, jobsForCron } from '../../src/scheduler/crons.js';

/** Reads `crons = [...]` under `[triggers]` without a TOML dependency: the file keeps it on one line. */
function wranglerCrons(): string[] {
  const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
  const triggers = toml.split(/^\[triggers\]\s*$/m)[1];
  const line = triggers?.split(/^\[/m)[0]?.match(/^crons\s*=\s*(\[.*\])\s*$/m)?.[1];
  if (!line) throw new Error('wrangler.toml has no [triggers] crons = [...] line');
  return JSON.parse(line) as string[];
}

describe('cron schedules', () => {
  it("equal wrangler.toml's [triggers] crons", () => {
    expect([...wranglerCrons()].sort()).toEqual(distinctCrons().sort());
  });

  it('map each cron back to its jobs', () => {
    for (const [name, cron] of Object.entries(CRON_SCHEDULES)) expect(jobsForCron(cron)).toContain(name);
    expect(jobsForCron('0 0 31 2 *')).toEqual([]);
  });
});
