import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { HubspotCheckpoint } from '../../connectors/hubspot/config.js';
import { hubspot } from '../../connectors/hubspot/index.js';
import {
  createConnectorContext,
  createMemoryLogger,
  parseConfig,
  type SourceBatch,
  type SourceRecord,
} from '../../src/connector-kit/index.js';
import { FAKE_TOKEN, startFakeHubspot } from '../fakes/hubspot/server.js';

// Rate limits are lifted here (they have their own test below) so 25,000 contacts read quickly.
const fake = await startFakeHubspot({ searchesPerSecond: 1_000_000, requestsPerTenSeconds: 1_000_000 });
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = (() => {
  const parsed = parseConfig(hubspot, { accessToken: FAKE_TOKEN, basePath: fake.url });
  if (!parsed.success) throw new Error('config');
  return parsed.data;
})();
const T0 = Date.parse('2024-01-01T00:00:00.000Z');

async function readAll(checkpoint: HubspotCheckpoint | null, cfg = config) {
  const batches: SourceBatch<HubspotCheckpoint>[] = [];
  const ctx = createConnectorContext({ logger: createMemoryLogger() });
  for await (const batch of hubspot.source!.read(ctx, cfg, checkpoint)) batches.push(batch);
  return batches;
}
const recordsOf = (batches: SourceBatch<HubspotCheckpoint>[]) => batches.flatMap((b) => b.records);
const idsOf = (records: SourceRecord[]) => records.map((r) => r.externalId);

/** 25,000 contacts: mostly a few per second, plus 300 stamped with one millisecond mid-way. */
function seedLargeAccount(): string[] {
  const ids: string[] = [];
  for (let i = 0; i < 25_000; i++) {
    const tied = i >= 12_000 && i < 12_300;
    const at = tied ? T0 + 5_000_000 : T0 + i * 400 + (i % 7);
    ids.push(fake.store.addContact({ email: `c${i}@example.com`, firstname: `C${i}` }, at).id);
  }
  return ids;
}

describe('hubspot source against the fake', () => {
  it('reads 25,000 contacts past the 10,000-result cap, 300 sharing a timestamp, each exactly once', async () => {
    const ids = seedLargeAccount();
    const batches = await readAll(null);
    const read = idsOf(recordsOf(batches));
    expect(read).toHaveLength(25_000);
    expect(new Set(read)).toEqual(new Set(ids));
    for (const batch of batches) expect(batch.records.length).toBeLessThanOrEqual(100);

    // The fake ties break in a scrambled order; the read hands them out by id anyway.
    const tied = recordsOf(batches).filter((r) => r.updatedAt === new Date(T0 + 5_000_000).toISOString());
    expect(tied).toHaveLength(300);
    expect(idsOf(tied)).toEqual([...idsOf(tied)].sort((a, b) => Number(a) - Number(b)));

    // No search asked for more than 200 or paged with an offset (so never near the cap).
    const searches = fake.requests.filter((r) => r.path.endsWith('/search'));
    for (const s of searches) {
      const body = s.body as { limit: number; after?: string };
      expect(body.limit).toBeLessThanOrEqual(200);
      expect(body.after).toBeUndefined();
    }
    expect(fake.requests.every((r) => r.status < 400)).toBe(true);

    // Resume from every checkpoint inside the tied group and from the middle: exactly the rest.
    const inTies = batches.findIndex((b) => b.checkpoint.after === new Date(T0 + 5_000_000).toISOString());
    expect(inTies).toBeGreaterThan(0);
    for (const index of [inTies, inTies + 1, Math.floor(batches.length / 2)]) {
      const stored = hubspot.source!.checkpointSchema.parse(
        JSON.parse(JSON.stringify(batches[index]!.checkpoint)),
      );
      const resumed = idsOf(recordsOf(await readAll(stored)));
      expect(resumed).toEqual(idsOf(batches.slice(index + 1).flatMap((b) => b.records)));
    }
  });

  it('the fake enforces the cap: an offset pager cannot get past 10,000 results', async () => {
    for (let i = 0; i < 50; i++) fake.store.addContact({ email: `x${i}@example.com` }, T0 + i);
    const response = await fetch(`${fake.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 200, after: '9900' }),
    });
    expect(response.status).toBe(400);
  });

  it('incremental: the next run reads only what changed, including a new contact on the cursor millisecond', async () => {
    for (let i = 0; i < 150; i++)
      fake.store.addContact({ email: `p${i}@example.com` }, T0 + Math.floor(i / 2));
    const first = await readAll(null);
    const last = first.at(-1)!.checkpoint;

    const sameMs = fake.store.addContact({ email: 'late@example.com' }, Date.parse(last.after));
    const edited = fake.store.contacts.get(idsOf(recordsOf(first))[3]!)!;
    fake.store.write(edited, { firstname: 'Edited' }, T0 + 60_000);

    const second = recordsOf(await readAll(last));
    expect(idsOf(second)).toEqual([sameMs.id, edited.id]);
    expect(second[1]!.traits.firstname).toBe('Edited');
  });

  it('reflects archived and merged contacts as deletions; full resync starts over', async () => {
    const a = fake.store.addContact({ email: 'a@example.com' }, T0);
    const b = fake.store.addContact({ email: 'b@example.com' }, T0 + 1);
    const c = fake.store.addContact({ email: 'c@example.com' }, T0 + 2);
    const d = fake.store.addContact({ email: 'd@example.com' }, T0 + 3);
    const first = await readAll(null);
    expect(recordsOf(first)).toHaveLength(4);

    fake.store.archive(a.id, T0 + 10_000);
    fake.store.merge(c.id, b.id, T0 + 20_000);
    const second = recordsOf(await readAll(first.at(-1)!.checkpoint));
    expect(second.map((r) => [r.externalId, r.deleted ?? false])).toEqual([
      [b.id, true],
      [c.id, false],
      [a.id, true],
    ]);
    expect(second[0]!.traits).toEqual({ mergedInto: c.id });
    expect(second[2]!.identifiers.email).toBe('a@example.com');

    const full = recordsOf(
      await readAll({ after: new Date(T0 + 99_000).toISOString(), lastId: '', full: true }),
    );
    expect(
      full
        .filter((r) => !r.deleted)
        .map((r) => r.externalId)
        .sort(),
    ).toEqual([c.id, d.id].sort());
  });

  it('maps properties to identifiers and traits', async () => {
    fake.store.addContact(
      { email: 'ada@example.com', phone: '+441234567890', firstname: 'Ada', lifecyclestage: 'lead' },
      T0,
    );
    fake.store.addContact({ email: 'bob@example.com' }, T0 + 1);
    const [ada] = recordsOf(await readAll(null));
    expect(ada).toMatchObject({
      identifiers: { email: 'ada@example.com', phone: '+441234567890' },
      traits: { firstname: 'Ada', lifecyclestage: 'lead', lastmodifieddate: new Date(T0).toISOString() },
      updatedAt: new Date(T0).toISOString(),
    });
    expect(ada!.traits).not.toHaveProperty('email');
    expect(ada!.traits).not.toHaveProperty('hs_object_id');
  });
});

describe('hubspot source under the search rate limit', () => {
  it('waits out 429s (Retry-After) with its bounded retry and still reads everything once', async () => {
    const limited = await startFakeHubspot({ searchesPerSecond: 2 });
    try {
      for (let i = 0; i < 900; i++) limited.store.addContact({ email: `r${i}@example.com` }, T0 + i);
      const cfg = { ...config, basePath: limited.url };
      const read = idsOf(recordsOf(await readAll(null, cfg)));
      expect(new Set(read).size).toBe(900);
      expect(read).toHaveLength(900);
      expect(limited.requests.some((r) => r.status === 429)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
