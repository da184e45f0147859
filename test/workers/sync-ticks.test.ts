import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import {
  applyD1Migrations,
  makeTempDir,
  randomAdminKey,
  randomSecretKey,
  removeDir,
  startWranglerDev,
  type WranglerDev,
} from '../helpers/wrangler-dev.js';

/**
 * A scheduled sync on workerd and a local D1, driven through the cron trigger the way Cloudflare
 * drives it. With a time budget of 0 ms each invocation stops after one page, leaves the run
 * `paused` with its checkpoint, and the next tick resumes it: the run finishes over several ticks
 * and the fake ESP sees every profile written once.
 */
const ADMIN_KEY = randomAdminKey();
const N = 25;
const PAGE = 10;

let dir: string | undefined;
let worker: WranglerDev | undefined;
let esp: FakeEsp | undefined;

beforeAll(async () => {
  dir = await makeTempDir('d1-sync-ticks');
  await applyD1Migrations(dir);
  esp = await startFakeEsp();
  worker = await startWranglerDev({
    persistTo: dir,
    testScheduled: true,
    vars: {
      ESP_HUB_SECRET_KEY: randomSecretKey(),
      ESP_HUB_ADMIN_KEY: ADMIN_KEY,
      // info: the scheduler's per-job summaries are what the retention test reads.
      ESP_HUB_LOG_LEVEL: 'info',
      ESP_HUB_SYNC_TIME_BUDGET_MS: '0',
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await esp?.close();
  await removeDir(dir);
});

// biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, each checked by the expectations.
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  if (!worker) throw new Error('wrangler dev did not start');
  const response = await fetch(worker.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/**
 * One cron tick, then the run once the tick's work (under waitUntil) is over: no longer running,
 * and moved on from how `before` left it.
 */
// biome-ignore lint/suspicious/noExplicitAny: the run as the API answers it.
async function tick(syncId: string, before?: any) {
  const fired = await fetch(`${worker!.baseUrl}/__scheduled?cron=*+*+*+*+*`);
  expect(fired.status).toBe(200);
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const runs = await api('GET', `/v1/admin/syncs/${syncId}/runs`);
    const run = runs.body.items?.[0];
    const moved = !before || run?.status !== before.status || run?.counts.scanned !== before.counts.scanned;
    if (run && run.status !== 'running' && moved) return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the tick did not settle:\n${worker!.output().slice(-3000)}`);
}

describe('sync runs under the Workers time budget', () => {
  it('pause after a page and finish over several cron ticks, every profile written once', async () => {
    const batch = Array.from({ length: N }, (_, i) => ({
      type: 'identify',
      userId: `u${i}`,
      messageId: `seed-${i}`,
      traits: { email: `p${i}@example.com`, first_name: `P${i}` },
    }));
    expect((await api('POST', '/v1/batch', { batch })).status).toBe(200);
    const connection = await api('POST', '/v1/admin/connections', {
      connectorId: 'mailchimp',
      name: 'fake audience',
      config: { apiKey: esp!.apiKey, baseUrl: esp!.baseUrl, listId: esp!.listId },
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    const sync = await api('POST', '/v1/admin/syncs', {
      name: 'every minute',
      destinationId: connection.body.id,
      schedule: '* * * * *',
      definition: { fields: [{ from: 'traits.first_name', to: 'FNAME' }], pageSize: PAGE },
    });
    expect(sync.status, JSON.stringify(sync.body)).toBe(201);

    const first = await tick(sync.body.id);
    expect(first).toMatchObject({ status: 'paused', counts: { scanned: PAGE, ok: PAGE } });
    expect(first.checkpoint).not.toBeNull();

    // Pages of 10, 10 and 5, one per tick; the tick after the last finds nothing left.
    let last = first;
    for (let i = 0; i < 3; i++) last = await tick(sync.body.id, last);
    expect(last).toMatchObject({ id: first.id, status: 'succeeded', counts: { scanned: N, ok: N } });
    expect(esp!.memberCount()).toBe(N);
    expect([...esp!.members()].every((member) => member.writes === 1)).toBe(true);
  });

  it('prunes old webhook event ids on D1 from the hourly cron', async () => {
    const fired = await fetch(`${worker!.baseUrl}/__scheduled?cron=17+*+*+*+*`);
    expect(fired.status).toBe(200);
    let summary: Record<string, unknown> | undefined;
    for (const deadline = Date.now() + 20_000; !summary && Date.now() < deadline; ) {
      summary = worker!
        .output()
        .split('\n')
        .filter((line) => line.includes('"webhookEventsPrune"'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>)
        .at(-1);
      if (!summary) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // The job's delete (rowid chunks, RETURNING) ran on D1 without an error.
    expect(summary).toMatchObject({ msg: 'scheduled job finished', deleted: 0, more: false });
  });
});
