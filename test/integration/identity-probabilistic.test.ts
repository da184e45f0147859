import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchReviews, merges, profileMatchKeys, profiles } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const FIRST = [
  'james',
  'mary',
  'robert',
  'patricia',
  'john',
  'jennifer',
  'michael',
  'linda',
  'david',
  'elizabeth',
];
const LAST = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'wilson',
  'anderson',
];
const CITY = ['springfield', 'riverton', 'fairview', 'madison', 'georgetown', 'clinton', 'salem', 'franklin'];

/** People from a CRM (by CRM id) and the same people again from a shop (by email): no shared identifier. */
function people(n: number): { crm: IngestRecord[]; shop: IngestRecord[] } {
  const crm: IngestRecord[] = [];
  const shop: IngestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const traits = {
      first_name: FIRST[i % FIRST.length],
      last_name: `${LAST[(i * 7) % LAST.length]}${i}`,
      birthday: `19${50 + (i % 45)}-0${1 + (i % 9)}-1${i % 9}`,
      city: CITY[i % CITY.length],
      zip: String(10000 + i * 37),
    };
    crm.push({
      source: 'crm',
      identifiers: { externalIds: { crm: `c${i}` } },
      traits,
      observedAt: new Date('2026-01-01'),
    });
    // Every third shop record has a typo in the surname; all have an email the CRM never saw.
    const typo =
      i % 3 === 0 ? { last_name: `${traits.last_name.slice(0, -2)}x${traits.last_name.slice(-1)}` } : {};
    if (i < n / 2) {
      shop.push({
        source: 'shop',
        identifiers: { email: `shopper${i}@example.com` },
        traits: { ...traits, ...typo },
        observedAt: new Date('2026-01-02'),
      });
    }
  }
  return { crm, shop };
}

describe('probabilistic matching', () => {
  it('dry run reports what a full pass would merge, without writing', async () => {
    const { crm, shop } = people(60);
    await ingest(t.deps, crm);
    await ingest(t.deps, shop);
    const res = await t.call('POST', '/v1/admin/identity/probabilistic/run', { body: { dryRun: true } });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ mode: 'full', dryRun: true, records: 90 });
    expect(report.merged).toBeGreaterThanOrEqual(28);
    expect(await t.deps.db.select().from(merges)).toEqual([]);
  });

  it('merges the same people across sources, with per-field evidence, and keeps distinct people apart', async () => {
    const { crm, shop } = people(60);
    await ingest(t.deps, crm);
    await ingest(t.deps, shop);
    const report = await (
      await t.call('POST', '/v1/admin/identity/probabilistic/run', { body: { dryRun: false } })
    ).json();
    expect(report.merged).toBeGreaterThanOrEqual(28);
    const rows = await t.deps.db.select().from(merges);
    expect(rows.every((row) => row.method === 'probabilistic')).toBe(true);
    expect(rows[0]!.evidence).toMatchObject({ rule: 'probabilistic' });
    expect((rows[0]!.evidence as { fields: unknown[] }).fields.length).toBeGreaterThan(2);
    // Each merge joins a CRM record with the shop record of the same index, never two CRM people.
    const live = await t.deps.db.select().from(profiles).where(eq(profiles.mergedInto, rows[0]!.survivorId));
    expect(live).toHaveLength(1);
    expect((await t.deps.db.select().from(profileMatchKeys)).length).toBeGreaterThan(0);
  });

  it('matches a new record against stored profiles as it arrives, once a model is trained', async () => {
    const { crm, shop } = people(60);
    await ingest(t.deps, crm);
    await ingest(t.deps, shop.slice(0, 20));
    await t.call('POST', '/v1/admin/identity/probabilistic/run', { body: { dryRun: false } });
    const before = (await t.deps.db.select().from(merges)).length;
    const [late] = await ingest(t.deps, [shop[25]!]);
    const after = await t.deps.db.select().from(merges);
    expect(after.length).toBe(before + 1);
    const newest = after.find(
      (row) =>
        row.mergedId === (late as { profileId: string }).profileId ||
        row.survivorId === (late as { profileId: string }).profileId,
    );
    expect(newest?.method).toBe('probabilistic');
  });

  it('queues matches between the thresholds for review', async () => {
    await t.call('PUT', '/v1/admin/settings/identity', {
      body: { probabilistic: { thresholds: { merge: 0.999999999, review: 0.5 } } },
    });
    const { crm, shop } = people(40);
    await ingest(t.deps, crm);
    await ingest(t.deps, shop);
    const report = await (
      await t.call('POST', '/v1/admin/identity/probabilistic/run', { body: { dryRun: false } })
    ).json();
    expect(report.queued).toBeGreaterThan(0);
    expect((await t.deps.db.select().from(matchReviews)).length).toBe(report.queued);
  });
});
