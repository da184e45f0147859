import { describe, expect, it } from 'vitest';
import { upsertContacts } from '../../../../connectors/sendgrid/contacts.js';
import { FAKE_BASE_URL, fakeSendgrid } from '../../../../connectors/sendgrid/fixtures/fake-sendgrid.js';
import { sampleFieldDefinitions, sampleRecords } from '../../../../connectors/sendgrid/fixtures/records.js';
import { sendgrid, sendgridFieldPlan } from '../../../../connectors/sendgrid/index.js';
import { setSendgridMembership } from '../../../../connectors/sendgrid/lists.js';
import {
  type ConnectorContext,
  ConnectorError,
  createConnectorContext,
  createMemoryLogger,
  type DestinationRecord,
} from '../../../../src/connector-kit/index.js';

const config = sendgrid.configSchema.parse({ apiKey: 'SG.fake-key', baseUrl: FAKE_BASE_URL });
const fastPoll = { firstDelayMs: 1, maxDelayMs: 4, maxWaitMs: 1_000 };
const contextFor = (fake: { fetch: typeof fetch }, extra: Partial<ConnectorContext> = {}) =>
  createConnectorContext({ fetch: fake.fetch, logger: createMemoryLogger(), ...extra });

describe('sendgrid upsert', () => {
  it('sends reserved fields top-level and custom ones by id, then polls the job until it finishes', async () => {
    const fake = fakeSendgrid({ fields: sampleFieldDefinitions, pendingPolls: 3 });
    const results = await upsertContacts(
      contextFor(fake),
      { ...config, listIds: ['00000000-0000-4000-8000-0000000000aa'] },
      sampleRecords,
      {
        poll: fastPoll,
      },
    );
    expect(results.map((r) => [r.profileId, r.status])).toEqual(
      sampleRecords.map((r) => [r.profileId, 'ok']),
    );
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({
      list_ids: ['00000000-0000-4000-8000-0000000000aa'],
      contacts: [
        {
          email: 'ada@example.com',
          first_name: 'Ada',
          custom_fields: { e1_N: '3', e2_T: 'true', e3_D: '2024-04-30' },
        },
        { email: 'grace@example.com', first_name: 'Grace', custom_fields: { e1_N: '0' } },
        { email: 'linus@example.com', custom_fields: { e2_T: 'false' } },
      ],
    });
    expect(fake.requests.filter((r) => r.path.startsWith('/v3/marketing/contacts/imports/'))).toHaveLength(4);
  });

  it('marks the contacts named in the errors file as failed and the others ok', async () => {
    const fake = fakeSendgrid({ fields: sampleFieldDefinitions, rejectEmails: ['grace@example.com'] });
    const results = await upsertContacts(contextFor(fake), config, sampleRecords, { poll: fastPoll });
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(results[1]).toMatchObject({
      error: { code: 'rejected', message: expect.stringContaining('invalid email domain') },
    });
  });

  it('splits a batch past 30,000 contacts into two requests and keeps input order', async () => {
    const fake = fakeSendgrid({ pendingPolls: 0 });
    const batch: DestinationRecord[] = Array.from({ length: 30_001 }, (_, i) => ({
      profileId: `p${i}`,
      email: `u${i}@example.com`,
      fields: {},
    }));
    const results = await upsertContacts(contextFor(fake), config, batch, { poll: fastPoll });
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => (r.body as { contacts: unknown[] }).contacts.length)).toEqual([30_000, 1]);
    expect(results).toHaveLength(30_001);
    expect(results[30_000]).toEqual({ profileId: 'p30000', status: 'ok' });
  });

  it('splits by payload size before 6 MB', async () => {
    const fake = fakeSendgrid({ fields: [{ id: 'e9_T', name: 'bio', field_type: 'Text' }], pendingPolls: 0 });
    const bio = 'x'.repeat(100_000);
    const batch = Array.from({ length: 70 }, (_, i) => ({
      profileId: `p${i}`,
      email: `u${i}@example.com`,
      fields: { bio },
    }));
    await upsertContacts(contextFor(fake), config, batch, { poll: fastPoll });
    const sizes = fake.requests.filter((r) => r.method === 'PUT').map((r) => JSON.stringify(r.body).length);
    expect(sizes.length).toBe(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(6 * 1024 * 1024);
  });

  it('throws rate_limited with the wait SendGrid asked for', async () => {
    const fake = fakeSendgrid({ fields: sampleFieldDefinitions });
    const now = new Date('2024-05-01T12:00:00Z');
    fake.rateLimitNext(1, now.getTime() / 1000 + 30);
    const error = await upsertContacts(contextFor(fake, { now: () => now }), config, sampleRecords, {
      poll: fastPoll,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).toJSON()).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 30_000,
    });
  });

  it('gives up polling with a retryable error, and stops at once when the run is cancelled', async () => {
    const fake = fakeSendgrid({ fields: sampleFieldDefinitions, pendingPolls: 1_000 });
    const error = await upsertContacts(contextFor(fake), config, sampleRecords, {
      poll: { firstDelayMs: 1, maxDelayMs: 2, maxWaitMs: 10 },
    }).catch((e: unknown) => e);
    expect((error as ConnectorError).toJSON()).toMatchObject({ code: 'upstream', retryable: true });

    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const pending = upsertContacts(contextFor(fake, { signal: controller.signal }), config, sampleRecords, {
      poll: { firstDelayMs: 60_000, maxDelayMs: 60_000, maxWaitMs: 600_000 },
    });
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('sendgrid fields', () => {
  const specs = [
    { key: 'first_name', label: 'First name', type: 'text' as const },
    { key: 'orders', label: 'Orders', type: 'number' as const },
    { key: 'clv.predicted', label: 'CLV', type: 'number' as const },
  ];

  it('creates only the missing custom fields and answers SendGrid names as destination keys', async () => {
    const fake = fakeSendgrid({ fields: sampleFieldDefinitions });
    const ensured = await sendgrid.destination!.ensureFields!(contextFor(fake), config, specs);
    expect(ensured.map((f) => [f.key, f.destinationKey, f.created])).toEqual([
      ['first_name', 'first_name', false],
      ['orders', 'orders', false],
      ['clv.predicted', 'clv_predicted', true],
    ]);
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.body)).toEqual([{ name: 'clv_predicted', field_type: 'Number' }]);
  });

  it('shows the plan with the budget, and refuses a plan past 500 custom fields before creating any', async () => {
    const full = Array.from({ length: 500 }, (_, i) => ({
      id: `f${i}`,
      name: `field_${i}`,
      field_type: 'Text',
    }));
    const fake = fakeSendgrid({ fields: full });
    const plan = await sendgridFieldPlan(contextFor(fake), config, specs);
    expect(plan.budget).toEqual({ used: 500, limit: 500, afterPlan: 502 });
    const error = await sendgrid.destination!.ensureFields!(contextFor(fake), config, specs).catch(
      (e: unknown) => e,
    );
    expect((error as ConnectorError).code).toBe('invalid_config');
    expect((error as ConnectorError).message).toMatch(/500 custom fields/);
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});

describe('sendgrid lists and removal', () => {
  it('creates a list by name, adds with email only, and removes by contact id', async () => {
    const fake = fakeSendgrid({ contacts: { 'grace@example.com': 'c-grace' }, pendingPolls: 0 });
    const results = await setSendgridMembership(
      contextFor(fake),
      config,
      'VIP customers',
      [sampleRecords[0]!],
      [sampleRecords[1]!, sampleRecords[2]!, { profileId: 'no-email', fields: {} }],
      { poll: fastPoll },
    );
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['prof_sg_1', 'ok'],
      ['prof_sg_2', 'ok'],
      ['prof_sg_3', 'ok'],
      ['no-email', 'failed'],
    ]);
    const listId = fake.lists[0]!.id;
    expect(fake.lists).toEqual([{ id: listId, name: 'VIP customers' }]);
    expect(fake.requests.find((r) => r.method === 'PUT')!.body).toEqual({
      list_ids: [listId],
      contacts: [{ email: 'ada@example.com' }],
    });
    const removal = fake.requests.find((r) => r.method === 'DELETE')!;
    expect([removal.path, removal.query]).toEqual([
      `/v3/marketing/lists/${listId}/contacts`,
      { contact_ids: 'c-grace' },
    ]);
  });

  it('remove deletes the contacts SendGrid has; unknown emails are already gone', async () => {
    const fake = fakeSendgrid({ contacts: { 'ada@example.com': 'c-ada', 'grace@example.com': 'c-grace' } });
    const results = await sendgrid.destination!.remove!(contextFor(fake), config, sampleRecords);
    expect(results).toEqual([
      { profileId: 'prof_sg_1', status: 'ok', destinationId: 'c-ada' },
      { profileId: 'prof_sg_2', status: 'ok', destinationId: 'c-grace' },
      { profileId: 'prof_sg_3', status: 'ok' },
    ]);
    expect(fake.requests.find((r) => r.method === 'DELETE')!.query).toEqual({ ids: 'c-ada,c-grace' });
    expect([...fake.contacts.keys()]).toEqual([]);
  });
});

describe('sendgrid check', () => {
  it('fails with auth and the vendor reason on a wrong key', async () => {
    const fake = fakeSendgrid();
    const result = await sendgrid.check!(contextFor(fake), { ...config, apiKey: 'SG.wrong' });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'auth',
        status: 401,
        retryable: false,
        message: expect.stringContaining('authorization required'),
      },
    });
  });

  it('succeeds with the contact count', async () => {
    const fake = fakeSendgrid({ contacts: { 'a@example.com': 'c1' } });
    expect(await sendgrid.check!(contextFor(fake), config)).toEqual({
      ok: true,
      details: { contactCount: 1 },
    });
  });
});
