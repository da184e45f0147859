import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consent, identities, profiles } from '../../src/db/schema/index.js';
import { fixture, postCsv } from '../fixtures/imports/post-csv.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const PATH = '/v1/admin/imports/profiles';

async function profileOf(id: string) {
  const [row] = await t.deps.db.select().from(profiles).where(eq(profiles.id, id));
  return row!;
}

describe('POST /v1/admin/imports/profiles', () => {
  it('imports identifiers, consent and every other column as traits, with a result per row', async () => {
    const res = await postCsv(t, PATH, await fixture('profiles.csv'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toEqual({ rows: 6, created: 3, updated: 1, unchanged: 0, rejected: 2 });
    expect(body.omittedResults).toBe(0);
    const [ann, bob, carl, nobody, dee, annAgain] = body.results;
    expect(ann).toMatchObject({ row: 1, line: 2, status: 'created', id: expect.stringMatching(/^prof_/) });
    expect(bob).toMatchObject({ row: 2, status: 'created' });
    expect(carl).toMatchObject({ row: 3, status: 'created' });
    expect(nobody).toEqual({
      row: 4,
      line: 5,
      status: 'rejected',
      reason: 'no identifier: Email, Phone and User ID are empty',
    });
    expect(dee).toEqual({
      row: 5,
      line: 6,
      status: 'rejected',
      column: 'email_consent',
      reason: "email_consent: 'maybe' is not one of subscribed, unsubscribed, never",
    });
    // The same person again in the file: applied to the profile the first row created.
    expect(annAgain).toMatchObject({ row: 6, status: 'updated', id: ann.id });

    const stored = await profileOf(ann.id);
    // Unknown columns are traits under their header as written; a later row's value wins.
    expect(stored.traits).toEqual({ 'First Name': 'Annie', plan: 'pro', 'Favourite Colour': 'green' });
    expect((await profileOf(carl.id)).traits).toEqual({
      'First Name': 'Carl',
      plan: 'free',
      'Favourite Colour': 'blue, mostly',
    });
    const annIds = await t.deps.db.select().from(identities).where(eq(identities.profileId, ann.id));
    expect(annIds.map((i) => i.type).sort()).toEqual(['email', 'phone', 'user_id']);
    expect(annIds.every((i) => i.source === 'csv')).toBe(true);
    const [annConsent] = await t.deps.db.select().from(consent).where(eq(consent.profileId, ann.id));
    expect(annConsent).toMatchObject({ channel: 'email', status: 'subscribed' });
  });

  it('stores an invalid email as given and flags it', async () => {
    const res = await postCsv(t, PATH, 'email,name\nbob@example,Bob\n');
    const { results } = await res.json();
    expect(results[0].status).toBe('created');
    const [identity] = await t.deps.db
      .select()
      .from(identities)
      .where(eq(identities.profileId, results[0].id));
    expect(identity).toMatchObject({ type: 'email', rawValue: 'bob@example', valid: false });
  });

  it('reports a re-import as updated and keeps one profile per person', async () => {
    const csv = 'email,plan\nann@example.com,free\nbob@example.com,pro\n';
    const first = await (await postCsv(t, PATH, csv)).json();
    const second = await (await postCsv(t, PATH, csv.replace('free', 'pro'))).json();
    expect(second.summary).toMatchObject({ created: 0, updated: 2 });
    expect(second.results.map((r: { id: string }) => r.id)).toEqual(
      first.results.map((r: { id: string }) => r.id),
    );
    expect((await profileOf(first.results[0].id)).traits).toEqual({ plan: 'pro' });
    expect(await t.deps.db.select().from(profiles)).toHaveLength(2);
  });

  it('takes identifier columns from the query, an external id under its namespace, and the delimiter', async () => {
    const csv = 'Work Mail;CRM Id;city\nann@example.com;c-17;Lyon\n;c-18;Nice\n';
    const res = await postCsv(t, PATH, csv, {
      query: {
        delimiter: ';',
        email_column: 'work mail',
        external_id_column: 'CRM Id',
        external_source: 'hubspot',
        source: 'crm-export',
      },
    });
    const body = await res.json();
    expect(body.summary).toMatchObject({ created: 2, rejected: 0 });
    const ids = await t.deps.db.select().from(identities).where(eq(identities.profileId, body.results[1].id));
    expect(ids).toEqual([
      expect.objectContaining({ type: 'external:hubspot', value: 'c-18', source: 'crm-export' }),
    ]);
    expect((await profileOf(body.results[1].id)).traits).toEqual({ city: 'Nice' });
  });

  it('reads tab-separated files', async () => {
    const res = await postCsv(t, PATH, 'email\tplan\nann@example.com\tpro\n', {
      query: { delimiter: 'tab' },
    });
    const { results } = await res.json();
    expect((await profileOf(results[0].id)).traits).toEqual({ plan: 'pro' });
  });

  it('refuses a header it cannot use before storing anything, naming the problem', async () => {
    const noIdentifier = await postCsv(t, PATH, 'first_name,plan\nAnn,pro\n');
    expect(noIdentifier.status).toBe(400);
    const body = await noIdentifier.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details[0]).toMatchObject({
      path: 'header',
      message: expect.stringMatching(/no identifier column/),
    });

    const missing = await postCsv(t, PATH, 'email,plan\na@example.com,pro\n', {
      query: { phone_column: 'Mobile' },
    });
    expect((await missing.json()).error.details).toEqual([
      { path: 'query.phone_column', message: "column 'Mobile' is not in the header ('email', 'plan')" },
    ]);

    const twice = await postCsv(t, PATH, 'email,plan\na@example.com,pro\n', {
      query: { phone_column: 'EMAIL' },
    });
    expect((await twice.json()).error.details).toEqual([
      { path: 'query.phone_column', message: "column 'EMAIL' is already read as email" },
    ]);

    const repeated = await postCsv(t, PATH, 'email,plan,plan\na@example.com,pro,free\n');
    expect((await repeated.json()).error.details[0].message).toBe("the header repeats column 'plan'");

    const ambiguous = await postCsv(t, PATH, 'Email,e-mail\na@example.com,b@example.com\n');
    expect((await ambiguous.json()).error.details[0].message).toMatch(
      /'Email' and 'e-mail' both look like email/,
    );
    expect(await t.deps.db.select().from(profiles)).toHaveLength(0);
  });

  it('validates the query', async () => {
    const res = await postCsv(t, PATH, 'email\na@example.com\n', {
      query: { delimiter: '""', external_source: 'hubspot' },
    });
    expect(res.status).toBe(400);
    const paths = (await res.json()).error.details.map((d: { path: string }) => d.path);
    expect(paths.sort()).toEqual(['query.delimiter', 'query.external_source']);
  });

  it('names wrong body types and an empty body', async () => {
    const form = await postCsv(t, PATH, 'email=a', { contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect((await form.json()).error.message).toMatch(/is not CSV.*--data-binary/);
    const latin1 = await postCsv(t, PATH, 'email\na@example.com\n', {
      contentType: 'text/csv; charset=iso-8859-1',
    });
    expect((await latin1.json()).error.message).toMatch(/send the CSV as UTF-8/);
    const empty = await postCsv(t, PATH, '');
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toMatch(/body is empty/);
  });

  it('refuses bytes that are not UTF-8 instead of storing mangled text', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('email,name\na@example.com,Ren'), 0xe9, 0x0a]);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const res = await postCsv(t, PATH, body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not valid UTF-8.*save the file as UTF-8/);
  });

  it('needs admin:write', async () => {
    const csv = 'email\na@example.com\n';
    expect((await postCsv(t, PATH, csv, { key: null })).status).toBe(401);
    expect((await postCsv(t, PATH, csv, { key: await t.keyFor('viewer') })).status).toBe(403);
    expect((await postCsv(t, PATH, csv, { key: await t.keyFor('ingest') })).status).toBe(403);
    expect((await postCsv(t, PATH, csv, { key: await t.keyFor('editor') })).status).toBe(200);
  });
});
