import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/pipeline.js';
import { CRON_SCHEDULES } from '../../src/scheduler/crons.js';
import { runScheduled } from '../../src/scheduler/jobs.js';
import { startSegmentRecompute } from '../../src/segments/engine/recompute.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let clock = Date.parse('2026-05-10T12:00:00Z');
beforeEach(async () => {
  clock = Date.parse('2026-05-10T12:00:00Z');
  t = await createTestApp();
  t.deps.now = () => new Date(clock);
});
afterEach(async () => {
  await t.close();
});

const view = (email: string, at: number, id: string) => ({
  source: 'web',
  identifiers: { email },
  observedAt: new Date(at),
  event: { messageId: id, type: 'track' as const, name: 'Product Viewed', properties: {} },
});

async function segment(rule: unknown): Promise<string> {
  const res = await t.call('POST', '/v1/admin/segments?wait=true', {
    body: { name: 'Recent viewers', rule },
  });
  return ((await res.json()) as { id: string }).id;
}
async function memberCount(id: string): Promise<number> {
  return ((await (await t.call('GET', `/v1/admin/segments/${id}/members`)).json()) as { total: number })
    .total;
}

describe('scheduled segment jobs', () => {
  it('the every-minute tick takes profiles out when their window has passed', async () => {
    await ingest(t.deps, [view('a@x.com', clock - 50 * 60_000, 'v1')]);
    const id = await segment({ type: 'event', event: 'Product Viewed', within: { last: 1, unit: 'hours' } });
    expect(await memberCount(id)).toBe(1);
    clock += 9 * 60_000;
    await runScheduled(t.deps, CRON_SCHEDULES.segmentChecksDue);
    expect(await memberCount(id)).toBe(1);
    clock += 2 * 60_000;
    await runScheduled(t.deps, CRON_SCHEDULES.segmentChecksDue);
    expect(await memberCount(id)).toBe(0);
  });

  it('carries an unfinished recompute on to the end, and the nightly run recomputes from scratch', async () => {
    await ingest(t.deps, [view('b@x.com', clock - 60_000, 'v2'), view('c@x.com', clock - 60_000, 'v3')]);
    const id = await segment({ type: 'event', event: 'Product Viewed', within: { last: 1, unit: 'days' } });
    // A member row removed behind the engine's back: only a full recompute can notice.
    await t.deps.db.run(`delete from segment_memberships where segment_id = '${id}'`);
    expect(await memberCount(id)).toBe(0);
    await startSegmentRecompute(t.deps);
    await runScheduled(t.deps, CRON_SCHEDULES.segmentRecomputeContinue);
    expect(await memberCount(id)).toBe(2);

    await t.deps.db.run(`delete from segment_memberships where segment_id = '${id}'`);
    await runScheduled(t.deps, CRON_SCHEDULES.segmentsNightly);
    expect(await memberCount(id)).toBe(2);
    const jobs = t.logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'scheduled job finished');
    expect(jobs.map((entry) => entry.job)).toEqual(
      expect.arrayContaining([
        'segmentRecomputeContinue',
        'scoresRecompute',
        'segmentsNightly',
        'recommendationsNightly',
      ]),
    );
  });
});
