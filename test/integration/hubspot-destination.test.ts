import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eraseHubspotContacts } from '../../connectors/hubspot/destination.js';
import { hubspot } from '../../connectors/hubspot/index.js';
import {
  ConnectorError,
  createConnectorContext,
  createMemoryLogger,
  type DestinationRecord,
  parseConfig,
} from '../../src/connector-kit/index.js';
import { FAKE_TOKEN, startFakeHubspot } from '../fakes/hubspot/server.js';

const fake = await startFakeHubspot();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const configFor = (input: Record<string, unknown>) => {
  const parsed = parseConfig(hubspot, input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.data;
};
const config = configFor({ accessToken: FAKE_TOKEN, basePath: fake.url });
const ctx = () => createConnectorContext({ logger: createMemoryLogger() });
const destination = hubspot.destination!;

const person = (n: number, fields: DestinationRecord['fields'] = {}): DestinationRecord => ({
  profileId: `prof_${n}`,
  email: `Person${n}@Example.com`,
  fields: { firstname: `P${n}`, ...fields },
});

describe('hubspot destination against the fake', () => {
  it('ensureFields creates our group and typed properties once, and reuses existing ones', async () => {
    const specs = [
      { key: 'firstname', label: 'First name', type: 'text' as const },
      { key: 'LTV score', label: 'Lifetime value', type: 'number' as const },
      { key: 'last_order_at', label: 'Last order', type: 'date' as const },
      { key: 'vip', label: 'VIP', type: 'boolean' as const },
      { key: 'segment', label: 'Segment', type: 'text' as const },
    ];
    const ensured = await destination.ensureFields!(ctx(), config, specs);
    expect(ensured.map((f) => [f.key, f.destinationKey, f.created])).toEqual([
      ['firstname', 'firstname', false],
      ['LTV score', 'ltv_score', true],
      ['last_order_at', 'last_order_at', true],
      ['vip', 'vip', true],
      ['segment', 'segment', true],
    ]);
    expect(fake.store.groups.has('esp_hub')).toBe(true);
    const typeOf = (name: string) => {
      const p = fake.store.properties.get(name)!;
      return [p.type, p.fieldType, p.groupName];
    };
    expect(typeOf('ltv_score')).toEqual(['number', 'number', 'esp_hub']);
    expect(typeOf('last_order_at')).toEqual(['date', 'date', 'esp_hub']);
    expect(typeOf('vip')).toEqual(['bool', 'booleancheckbox', 'esp_hub']);
    expect(typeOf('segment')).toEqual(['string', 'text', 'esp_hub']);

    const again = await destination.ensureFields!(ctx(), config, specs);
    expect(again.every((f) => !f.created)).toBe(true);
  });

  it('upserts by email in calls of at most 100, creating and updating contacts', async () => {
    fake.store.addContact({ email: 'person0@example.com', firstname: 'Old' });
    const batch = Array.from({ length: 250 }, (_, i) => person(i, { city: i % 2 ? 'Oslo' : null }));
    const results = await destination.upsert(ctx(), config, batch);
    expect(results.map((r) => r.status)).toEqual(batch.map(() => 'ok'));
    expect(results.map((r) => r.profileId)).toEqual(batch.map((r) => r.profileId));

    const calls = fake.requests.filter((r) => r.path.endsWith('/batch/upsert'));
    expect(calls.map((c) => (c.body as { inputs: unknown[] }).inputs.length)).toEqual([100, 100, 50]);
    expect(fake.store.contacts.size).toBe(250);
    expect(fake.store.findByEmail('person0@example.com')!.properties.firstname).toBe('P0');
    const first = results[0]!;
    expect(first.status === 'ok' && first.destinationId).toBe(
      fake.store.findByEmail('person0@example.com')!.id,
    );
  });

  it('isolates records HubSpot rejects (the whole batch fails for one) and keeps the rest', async () => {
    const batch = [
      person(1),
      { profileId: 'prof_bad_email', email: 'not-an-email', fields: {} },
      person(2, { no_such_property: 'x' }),
      person(3),
      { profileId: 'prof_no_email', fields: { firstname: 'X' } },
    ];
    const results = await destination.upsert(ctx(), config, batch);
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['prof_1', 'ok'],
      ['prof_bad_email', 'failed'],
      ['prof_2', 'failed'],
      ['prof_3', 'ok'],
      ['prof_no_email', 'failed'],
    ]);
    const messages = results.map((r) => (r.status === 'failed' ? `${r.error.code}: ${r.error.message}` : ''));
    expect(messages[1]).toMatch(/^rejected: .*Email address not-an-email is invalid/);
    expect(messages[2]).toMatch(/^rejected: .*Property \\"no_such_property\\" does not exist/);
    expect(messages[4]).toMatch(/^rejected: .*email/);
  });

  it('the same email twice in one batch goes in two calls, both ok', async () => {
    const results = await destination.upsert(ctx(), config, [
      person(7),
      { ...person(7), profileId: 'prof_7b' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(fake.requests.filter((r) => r.path.endsWith('/batch/upsert'))).toHaveLength(2);
  });

  it('a 429 fails the call as rate_limited with the wait HubSpot asked for', async () => {
    const limited = await startFakeHubspot({ requestsPerTenSeconds: 1 });
    try {
      const cfg = { ...config, basePath: limited.url };
      await destination.upsert(ctx(), cfg, [person(1)]);
      const error = await destination.upsert(ctx(), cfg, [person(2)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 10_000 });
    } finally {
      await limited.close();
    }
  });

  it('sets static list membership by contact id; unknown people are skipped on add', async () => {
    const a = fake.store.addContact({ email: 'person1@example.com' });
    const b = fake.store.addContact({ email: 'person2@example.com' });
    fake.store.lists.set('123', new Set([b.id]));
    const results = await destination.setMembership!(
      ctx(),
      config,
      '123',
      [person(1), person(9)],
      [person(2)],
    );
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['prof_1', 'ok'],
      ['prof_9', 'skipped'],
      ['prof_2', 'ok'],
    ]);
    expect([...fake.store.lists.get('123')!]).toEqual([a.id]);
  });

  it('an unknown list fails the call with HubSpot’s reason', async () => {
    fake.store.addContact({ email: 'person1@example.com' });
    await expect(destination.setMembership!(ctx(), config, '999', [person(1)], [])).rejects.toMatchObject({
      code: 'rejected',
      status: 404,
    });
  });

  it('remove archives contacts; GDPR erase deletes them for good', async () => {
    const a = fake.store.addContact({ email: 'person1@example.com' });
    const b = fake.store.addContact({ email: 'person2@example.com' });
    const removed = await destination.remove!(ctx(), config, [person(1), person(5)]);
    expect(removed.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(fake.store.archived.has(a.id)).toBe(true);

    const erased = await eraseHubspotContacts(ctx(), config, [person(2), person(6)]);
    expect(erased.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(fake.store.contacts.has(b.id)).toBe(false);
    expect(fake.store.archived.has(b.id)).toBe(false);
  });
});

describe('hubspot check', () => {
  it('is ok with the right token', async () => {
    expect(await hubspot.check!(ctx(), config)).toMatchObject({ ok: true });
  });

  it('fails as auth with HubSpot’s own reason for a wrong token', async () => {
    const result = await hubspot.check!(ctx(), configFor({ accessToken: 'pat-wrong', basePath: fake.url }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'auth', retryable: false, status: 401 });
    expect(result.error.message).toContain('Authentication credentials not found');
    expect(result.error.message).not.toContain('pat-wrong');
  });
});
