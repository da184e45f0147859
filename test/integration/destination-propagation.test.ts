import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deletions, suppressions, syncs } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { runJob } from '../../src/scheduler/jobs.js';
import { DELETION_MAX_ATTEMPTS } from '../../src/services/profiles/propagate-deletions.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const SECRET = 'mailchimp-webhook-secret-0001';

async function connection(connectorId: string, name: string, config: Record<string, unknown>) {
  const res = await t.call('POST', '/v1/admin/connections', { body: { connectorId, name, config } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A sync row is what makes a connection a destination suppressions are pushed to. */
async function syncTo(destinationId: string) {
  const now = new Date();
  await t.deps.db.insert(syncs).values({
    id: `sync_${destinationId.slice(5)}`,
    name: `to ${destinationId}`,
    destinationId,
    definition: {},
    createdAt: now,
    updatedAt: now,
  });
}

/** The file destination's JSONL log: removes are `op: "remove"` lines. */
async function removals(fileName: string): Promise<Array<{ profileId: string; email: string | null }>> {
  const text = await readFile(join(t.dataDir, 'files', 'exports', `${fileName}.jsonl`), 'utf8').catch(
    () => '',
  );
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((line) => line.op === 'remove');
}

async function unsubscribeAtMailchimp(mailchimpId: string, email: string, firedAt = '2026-01-02 10:00:00') {
  const res = await t.app.request(`/v1/webhooks/${mailchimpId}?secret=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ type: 'unsubscribe', fired_at: firedAt, 'data[email]': email }).toString(),
  });
  expect(res.status).toBe(200);
}

const mailchimp = () =>
  connection('mailchimp', 'mailchimp', { apiKey: 'abc123-us21', listId: 'list1', webhookSecret: SECRET });

describe('suppressionsPush', () => {
  it('pushes an unsubscribe learned from Mailchimp to the other synced destinations only', async () => {
    const origin = await mailchimp();
    const other = await connection('file', 'other esp', { fileName: 'other' });
    const unsynced = await connection('file', 'not a destination', { fileName: 'unsynced' });
    // The origin is a sync destination too: it already knows, so it must not be called.
    await syncTo(origin);
    await syncTo(other);
    await ingest(t.deps, [
      {
        source: 'crm',
        identifiers: { email: 'ann@example.com' },
        observedAt: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
    await unsubscribeAtMailchimp(origin, 'ann@example.com');

    expect(await runJob(t.deps, 'suppressionsPush')).toBe(true);
    expect(await removals('other')).toMatchObject([{ email: 'ann@example.com' }]);
    expect(await removals('unsynced')).toEqual([]);
    const [row] = await t.deps.db.select().from(suppressions);
    expect(row?.completedAt).toBeInstanceOf(Date);
    expect(row?.propagation).toEqual({ [other]: 'done' });
    expect(row?.propagation[unsynced]).toBeUndefined();

    // Completed rows are not pushed again.
    await runJob(t.deps, 'suppressionsPush');
    expect(await removals('other')).toHaveLength(1);
  });

  it('sends nothing when the person subscribed again before the push ran', async () => {
    const origin = await mailchimp();
    const other = await connection('file', 'other esp', { fileName: 'other' });
    await syncTo(other);
    await unsubscribeAtMailchimp(origin, 'bo@example.com', '2026-01-02 10:00:00');
    await ingest(t.deps, [
      {
        source: 'preferences',
        identifiers: { email: 'bo@example.com' },
        consent: { email: 'subscribed' },
        observedAt: new Date('2026-01-03T00:00:00Z'),
      },
    ]);
    await runJob(t.deps, 'suppressionsPush');
    expect(await removals('other')).toEqual([]);
    const [row] = await t.deps.db.select().from(suppressions);
    expect(row?.completedAt).toBeInstanceOf(Date);
    expect(row?.propagation[other]).toMatch(/^skipped: .*no longer unsubscribed/);
  });
});

describe('deletionsPropagate', () => {
  async function erasedPerson() {
    const [result] = await ingest(t.deps, [
      {
        source: 'crm',
        identifiers: { email: ' Cy@Example.com ' },
        traits: { first_name: 'Cy' },
        observedAt: new Date('2026-01-01T00:00:00Z'),
      },
    ]);
    const profileId = result?.status === 'stored' ? result.profileId : '';
    const res = await t.call('DELETE', `/v1/profiles/${profileId}`);
    expect(res.status).toBe(200);
    return profileId;
  }

  it('removes the person at every destination, records it, completes and drops the identifiers', async () => {
    const a = await connection('file', 'a', { fileName: 'a' });
    const b = await connection('file', 'b', { fileName: 'b' });
    const profileId = await erasedPerson();

    const res = await t.call('POST', '/v1/admin/deletions/propagate');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ processed: 1, completed: 1, failed: 0 });
    // The normalized and the raw address are one address to an ESP: removed once.
    expect(await removals('a')).toEqual([expect.objectContaining({ profileId, email: 'cy@example.com' })]);
    expect(await removals('b')).toHaveLength(1);
    const [row] = await t.deps.db.select().from(deletions);
    expect(row?.propagation).toEqual({ [a]: 'done', [b]: 'done' });
    expect(row?.completedAt).toBeInstanceOf(Date);
    expect(row?.identifiersSealed).toBeNull();

    const list = await t.call('GET', '/v1/admin/deletions?status=completed');
    expect(((await list.json()) as { items: unknown[] }).items).toMatchObject([
      { status: 'completed', identifiersHeld: false },
    ]);
  });

  it('retries a failed destination on the next run and leaves the settled one alone', async () => {
    const ok = await connection('file', 'ok', { directory: 'fine', fileName: 'ok' });
    const broken = await connection('file', 'broken', { fileName: 'broken' });
    await erasedPerson();
    // A plain file where the export directory should be: every write there fails.
    const blocker = join(t.dataDir, 'files', 'exports');
    await mkdir(join(t.dataDir, 'files'), { recursive: true });
    await writeFile(blocker, 'not a directory');

    expect(await runJob(t.deps, 'deletionsPropagate')).toBe(true);
    let [row] = await t.deps.db.select().from(deletions);
    expect(row?.propagation[ok]).toBe('done');
    expect(row?.propagation[broken]).toMatch(/^failed: /);
    expect(row?.attempts).toBe(1);
    expect(row?.completedAt).toBeNull();
    expect(row?.identifiersSealed).not.toBeNull();

    await rm(blocker);
    await runJob(t.deps, 'deletionsPropagate');
    [row] = await t.deps.db.select().from(deletions);
    expect(row?.propagation).toEqual({ [ok]: 'done', [broken]: 'done' });
    expect(row?.completedAt).toBeInstanceOf(Date);
    expect(row?.identifiersSealed).toBeNull();
    const okLines = await readFile(join(t.dataDir, 'files', 'fine', 'ok.jsonl'), 'utf8');
    expect(okLines.trim().split('\n')).toHaveLength(1);
  });

  it('stops retrying after the bound; the admin run still tries', async () => {
    await connection('file', 'a', { fileName: 'a' });
    await erasedPerson();
    await t.deps.db.update(deletions).set({ attempts: DELETION_MAX_ATTEMPTS });
    await runJob(t.deps, 'deletionsPropagate');
    expect(await removals('a')).toEqual([]);
    const res = await t.call('POST', '/v1/admin/deletions/propagate', { key: await t.keyFor('viewer') });
    expect(res.status).toBe(403);
    await t.call('POST', '/v1/admin/deletions/propagate');
    expect(await removals('a')).toHaveLength(1);
    const [row] = await t.deps.db
      .select()
      .from(deletions)
      .where(eq(deletions.attempts, DELETION_MAX_ATTEMPTS + 1));
    expect(row?.completedAt).toBeInstanceOf(Date);
  });

  it('erasing a person drops their pending suppression pushes', async () => {
    const origin = await mailchimp();
    await unsubscribeAtMailchimp(origin, 'di@example.com');
    const [queued] = await t.deps.db.select().from(suppressions);
    expect((await t.call('DELETE', `/v1/profiles/${queued!.profileId}`)).status).toBe(200);
    expect(await t.deps.db.select().from(suppressions)).toEqual([]);
  });
});
