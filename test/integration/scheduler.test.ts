import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRON_SCHEDULES } from '../../src/scheduler/crons.js';
import { runScheduled } from '../../src/scheduler/jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function create(name: string, content: string): Promise<string> {
  const res = await t.call('POST', '/v1/admin/connections', {
    body: { connectorId: 'csv', name, config: { content } },
  });
  return (await res.json()).id;
}

describe('scheduled connection health check', () => {
  it('checks every connection on its cron and records each outcome', async () => {
    const good = await create('good', 'email\na@example.com\n');
    const bad = await create('bad', 'first_name\nAnn\n');
    await runScheduled(t.deps, CRON_SCHEDULES.connectionHealth);

    const goodView = await (await t.call('GET', `/v1/admin/connections/${good}`)).json();
    const badView = await (await t.call('GET', `/v1/admin/connections/${bad}`)).json();
    expect(goodView.lastCheck).toMatchObject({ ok: true, error: null });
    expect(badView.lastCheck).toMatchObject({ ok: false, error: { code: 'invalid_config' } });
    const summary = t.logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'scheduled job finished');
    expect(summary).toMatchObject({ job: 'connectionHealth', ok: 1, failed: 1 });
  });

  it('logs a cron with no job instead of failing', async () => {
    await runScheduled(t.deps, '0 0 1 1 *');
    expect(t.logLines.some((line) => line.includes('no job is registered for this cron'))).toBe(true);
  });
});

describe('scheduled identity retrain', () => {
  it('skips with a reason when there is too little to learn from', async () => {
    await runScheduled(t.deps, CRON_SCHEDULES.identityRetrain);
    const summary = t.logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.job === 'identityRetrain');
    expect(summary).toMatchObject({ msg: 'scheduled job finished', skipped: 'only 0 live profile(s)' });
  });
});
