import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorContext } from '../../src/connector-kit/context.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import { type PrismMock, startPrism } from '../helpers/prism.js';
import { describeWithSharedData } from '../helpers/shared-data.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Mailchimp subscription status through a whole sync run: contacts new to the audience get the
 * connection's `statusIfNew`, and a member who unsubscribed or was cleaned keeps that status while
 * their merge fields are updated. The fake ESP applies a `status` sent for an existing member (as
 * batch subscribe does with update_existing), so sending one would show here as a resubscription.
 */
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const person = (email: string, name: string): IngestRecord => ({
  source: 'crm',
  identifiers: { email },
  traits: { first_name: name },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});

async function syncTo(config: Record<string, unknown>): Promise<string> {
  const connection = await t.call('POST', '/v1/admin/connections', {
    body: { connectorId: 'mailchimp', name: 'audience', config },
  });
  expect(connection.status).toBe(201);
  const res = await t.call('POST', '/v1/admin/syncs', {
    body: {
      name: 'names',
      destinationId: (await connection.json()).id,
      definition: { fields: [{ from: 'traits.first_name', to: 'FNAME' }] },
    },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function run(syncId: string) {
  const res = await t.call('POST', `/v1/admin/syncs/${syncId}/runs?wait=true`, { body: {} });
  expect(res.status).toBe(200);
  return (await res.json()).result;
}

describe('Mailchimp status_if_new through the sync engine (fake ESP)', () => {
  let esp: FakeEsp;
  afterEach(async () => {
    await esp.close();
  });

  it('creates new contacts with statusIfNew and never resubscribes unsubscribed or cleaned members', async () => {
    esp = await startFakeEsp();
    esp.seedMember('gone@example.com', 'unsubscribed', { FNAME: 'Old' });
    esp.seedMember('bounced@example.com', 'cleaned', { FNAME: 'Old' });
    esp.seedMember('fan@example.com', 'subscribed', { FNAME: 'Old' });
    await ingest(t.deps, [
      person('gone@example.com', 'Gina'),
      person('bounced@example.com', 'Bo'),
      person('fan@example.com', 'Fay'),
      person('new@example.com', 'Nia'),
    ]);
    const syncId = await syncTo({
      apiKey: esp.apiKey,
      baseUrl: esp.baseUrl,
      listId: esp.listId,
      statusIfNew: 'pending',
    });
    expect(await run(syncId)).toMatchObject({ status: 'succeeded', counts: { ok: 4, failed: 0 } });

    expect(esp.member('new@example.com')).toMatchObject({ status: 'pending', mergeFields: { FNAME: 'Nia' } });
    expect(esp.member('gone@example.com')).toMatchObject({
      status: 'unsubscribed',
      mergeFields: { FNAME: 'Gina' },
    });
    expect(esp.member('bounced@example.com')).toMatchObject({
      status: 'cleaned',
      mergeFields: { FNAME: 'Bo' },
    });
    expect(esp.member('fan@example.com')).toMatchObject({
      status: 'subscribed',
      mergeFields: { FNAME: 'Fay' },
    });
  });
});

describeWithSharedData(
  'specs/mailchimp/marketing.json',
  'a sync run checked by Prism against Mailchimp’s contract',
  () => {
    let prism: PrismMock;
    beforeAll(async () => {
      prism = await startPrism('mailchimp/marketing.json');
    }, 90_000);
    afterAll(async () => {
      await prism?.stop();
    });

    it('sends batch subscribe with update_existing, status_if_new as configured and no status', async () => {
      const sent: Array<{ method: string; path: string; body: unknown }> = [];
      const logger = t.deps.logger;
      // The run's connector context records what goes out, then lets Prism validate it.
      t.deps.connectorContext = (signal) =>
        createConnectorContext({
          logger,
          signal,
          fetch: (input, init) => {
            const url = new URL(input instanceof Request ? input.url : String(input));
            sent.push({
              method: init?.method ?? 'GET',
              path: url.pathname,
              body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
            });
            return globalThis.fetch(input, init);
          },
        });
      await ingest(t.deps, [person('ann@example.com', 'Ann'), person('bob@example.com', 'Bob')]);
      const seen = prism.violations().length;
      const syncId = await syncTo({
        apiKey: 'prism-key-us21',
        listId: 'a1b2c3d4e5',
        baseUrl: prism.url,
        statusIfNew: 'transactional',
      });
      expect(await run(syncId)).toMatchObject({ status: 'succeeded', counts: { ok: 2 } });

      expect(sent.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /lists/a1b2c3d4e5']);
      const body = sent[0]!.body as { update_existing: boolean; members: Array<Record<string, unknown>> };
      expect(body.update_existing).toBe(true);
      const members = body.members.map((member) => [
        member.email_address,
        member.status_if_new,
        'status' in member,
      ]);
      expect(members.sort()).toEqual([
        ['ann@example.com', 'transactional', false],
        ['bob@example.com', 'transactional', false],
      ]);
      expect(prism.violations().slice(seen)).toEqual([]);
    });
  },
);
