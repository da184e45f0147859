import { afterEach, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../src/db/schema/index.js';
import { CRON_SCHEDULES } from '../../src/scheduler/crons.js';
import { runScheduled } from '../../src/scheduler/jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Inbound webhook event ids are kept for deduplication, not forever: the hourly job forgets those
 * older than the retention (30 days unless ESP_HUB_WEBHOOK_RETENTION_DAYS says otherwise).
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
});

const DAY = 24 * 60 * 60 * 1000;

async function seedEvents(app: TestApp, ages: Record<string, number>) {
  const now = Date.now();
  await app.deps.db.insert(webhookEvents).values(
    Object.entries(ages).map(([eventId, days]) => ({
      connectionId: 'conn_a',
      eventId,
      type: 'email.delivered',
      receivedAt: new Date(now - days * DAY),
    })),
  );
}

async function remaining(app: TestApp): Promise<string[]> {
  return (await app.deps.db.select({ id: webhookEvents.eventId }).from(webhookEvents))
    .map((row) => row.id)
    .sort();
}

const MAILCHIMP_SECRET = 'mailchimp-webhook-secret-0001';

describe('webhook event retention', () => {
  it('prunes event ids older than 30 days on its cron and keeps the recent ones', async () => {
    t = await createTestApp();
    await seedEvents(t, { today: 0, week: 7, edge: 29.9, month: 31, year: 365 });
    await runScheduled(t.deps, CRON_SCHEDULES.webhookEventsPrune);
    expect(await remaining(t)).toEqual(['edge', 'today', 'week']);
    const summary = t.logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.job === 'webhookEventsPrune');
    expect(summary).toMatchObject({ msg: 'scheduled job finished', deleted: 2, more: false });
  });

  it('uses the configured retention', async () => {
    t = await createTestApp({ webhookRetentionDays: 5 });
    await seedEvents(t, { today: 0, four: 4, six: 6 });
    await runScheduled(t.deps, CRON_SCHEDULES.webhookEventsPrune);
    expect(await remaining(t)).toEqual(['four', 'today']);
  });

  it('still deduplicates a redelivery within the retention', async () => {
    t = await createTestApp();
    const app = t;
    const created = await app.call('POST', '/v1/admin/connections', {
      body: {
        connectorId: 'mailchimp',
        name: 'mc',
        config: { apiKey: 'abc123-us21', listId: 'list1', webhookSecret: MAILCHIMP_SECRET },
      },
    });
    const id = (await created.json()).id as string;
    const body = new URLSearchParams({
      type: 'unsubscribe',
      fired_at: '2026-01-02 10:00:00',
      'data[email]': 'ann@example.com',
      'data[list_id]': 'list1',
    }).toString();
    const deliver = async () =>
      (
        await app.app.request(`/v1/webhooks/${id}?secret=${MAILCHIMP_SECRET}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        })
      ).json();
    expect(await deliver()).toMatchObject({ stored: 1, duplicates: 0 });
    await runScheduled(app.deps, CRON_SCHEDULES.webhookEventsPrune);
    expect(await deliver()).toMatchObject({ stored: 0, duplicates: 1 });
  });
});
