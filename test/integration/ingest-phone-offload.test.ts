import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPhoneOffload } from '../../src/identity/phone-offload.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const offload = createPhoneOffload();
let offloadedJobs = 0;
beforeEach(async () => {
  t = await createTestApp();
  offloadedJobs = 0;
  t.deps.phoneOffload = {
    normalizePhones: (raws, settings) => {
      offloadedJobs++;
      return offload.normalizePhones(raws, settings);
    },
    close: offload.close,
  };
});
afterEach(async () => {
  await offload.close();
  await t.close();
});

const person = (i: number, phone: string): IngestRecord => ({
  source: 'crm',
  identifiers: { email: `p${i}@example.com`, phone },
  observedAt: new Date('2026-03-01T00:00:00Z'),
});

describe('ingest with phones parsed on a worker thread', () => {
  it('stores the same normalized phones as inline parsing, and joins on them', async () => {
    // Enough phones to take the worker path; national formats that only the parser turns into E.164.
    const batch = Array.from({ length: 1_200 }, (_, i) =>
      person(i, `(415) 555-${String(1000 + i).padStart(4, '0')}`),
    );
    batch.push(person(5_000, 'not a phone'));
    const results = await ingest(t.deps, batch);
    expect(results.every((result) => result.status === 'stored')).toBe(true);
    expect(offloadedJobs).toBe(1);

    const phones = await t.deps.db.all<{ value: string; valid: number }>(
      sql`select value, valid from identities where type = 'phone' order by value`,
    );
    expect(phones).toHaveLength(1_201);
    expect(phones.filter((phone) => phone.valid === 1)).toHaveLength(1_200);
    expect(phones.map((phone) => phone.value)).toContain('+14155551000');

    // A second, small batch (parsed inline) with the E.164 form finds the same person.
    const [again] = await ingest(t.deps, [
      {
        source: 'shop',
        identifiers: { phone: '+1 415 555 1000' },
        observedAt: new Date('2026-03-02T00:00:00Z'),
      },
    ]);
    expect(offloadedJobs).toBe(1);
    expect(again).toMatchObject({
      status: 'stored',
      profileId: results[0]!.status === 'stored' ? results[0]!.profileId : '',
    });
  });

  it('two batches in flight resolve in order: the second sees the first one’s identities', async () => {
    const first = Array.from({ length: 1_000 }, (_, i) =>
      person(i, `+1415556${String(1000 + i).padStart(4, '0')}`),
    );
    const second = first.map((record, i) => ({ ...record, identifiers: { phone: `415-556-${1000 + i}` } }));
    const [a, b] = await Promise.all([ingest(t.deps, first), ingest(t.deps, second)]);
    const profileOf = (result: (typeof a)[number]) =>
      result.status === 'stored' ? result.profileId : undefined;
    expect(b.map(profileOf)).toEqual(a.map(profileOf));
    expect(b.every((result) => result.status === 'stored' && !result.created)).toBe(true);
  });
});
