import { describe, expect, it } from 'vitest';
import { apiRoot, mailchimpConfigSchema } from '../../../../connectors/mailchimp/config.js';
import { sampleRecords } from '../../../../connectors/mailchimp/fixtures/records.js';
import { mailchimp } from '../../../../connectors/mailchimp/index.js';
import { subscriberHash } from '../../../../connectors/mailchimp/md5.js';
import {
  type ConnectorContext,
  createConnectorContext,
  createMemoryLogger,
  parseConfig,
} from '../../../../src/connector-kit/index.js';

interface Sent {
  method: string;
  path: string;
  search: string;
  body: unknown;
  authorization: string | null;
}

type Handler = (sent: Sent) => Response | undefined;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A fake Mailchimp: handlers in order, the first answer wins; everything sent is recorded. */
function fakeMailchimp(...handlers: Handler[]): { ctx: ConnectorContext; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    const record: Sent = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      authorization: headers.get('authorization'),
    };
    sent.push(record);
    for (const handler of handlers) {
      const response = handler(record);
      if (response) return response;
    }
    return new Response(null, { status: 204 });
  };
  return { ctx: createConnectorContext({ fetch, logger: createMemoryLogger() }), sent };
}

const config = mailchimpConfigSchema.parse({ apiKey: 'abc123-us21', listId: 'a1b2c3d4e5' });

describe('mailchimp config', () => {
  it('derives the API root from the key, or takes server / baseUrl', () => {
    expect(apiRoot(config)).toBe('https://us21.api.mailchimp.com/3.0');
    expect(apiRoot(mailchimpConfigSchema.parse({ apiKey: 'oauth-token', server: 'us6', listId: 'l' }))).toBe(
      'https://us6.api.mailchimp.com/3.0',
    );
    expect(apiRoot({ ...config, baseUrl: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(config.statusIfNew).toBe('subscribed');
    expect(config.useStaticSegments).toBe(false);
  });

  it('names apiKey when no data center can be found', () => {
    const result = parseConfig(mailchimp, { apiKey: 'no-dc-here!', listId: 'l' });
    expect(result).toMatchObject({ success: false, issues: [{ path: 'apiKey' }] });
  });

  it('does not accept "cleaned" as the status of new contacts', () => {
    expect(parseConfig(mailchimp, { ...config, statusIfNew: 'cleaned' })).toMatchObject({
      success: false,
      issues: [{ path: 'statusIfNew' }],
    });
  });
});

describe('mailchimp check', () => {
  it("fails with auth and Mailchimp's own reason on a wrong key", async () => {
    const { ctx, sent } = fakeMailchimp(() =>
      json(401, {
        type: 'https://mailchimp.com/developer/marketing/docs/errors/',
        title: 'API Key Invalid',
        status: 401,
        detail: "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
        instance: '',
      }),
    );
    const result = await mailchimp.check!(ctx, config);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'auth',
        retryable: false,
        status: 401,
        message: expect.stringContaining('API key may be invalid'),
      },
    });
    expect(sent[0]!.authorization).toBe(`Basic ${btoa('esp-hub:abc123-us21')}`);
  });

  it('names listId when the audience does not exist', async () => {
    const { ctx } = fakeMailchimp((s) =>
      s.path.endsWith('/ping')
        ? json(200, { health_status: "Everything's Chimpy!" })
        : json(404, {
            title: 'Resource Not Found',
            status: 404,
            detail: 'The requested resource could not be found.',
          }),
    );
    expect(await mailchimp.check!(ctx, config)).toMatchObject({
      ok: false,
      error: { code: 'invalid_config', field: 'listId' },
    });
  });
});

describe('mailchimp upsert', () => {
  it('splits more than 500 records into batch calls of at most 500, never sending status', async () => {
    const { ctx, sent } = fakeMailchimp(() =>
      json(200, { new_members: [], updated_members: [], errors: [] }),
    );
    const records = Array.from({ length: 1203 }, (_, i) => ({
      profileId: `prof_${i}`,
      email: `p${i}@example.com`,
      fields: { FNAME: `P${i}` },
    }));
    const results = await mailchimp.destination!.upsert(ctx, config, records);
    expect(results.map((r) => r.status)).toEqual(records.map(() => 'ok'));
    const sizes = sent.map((s) => (s.body as { members: unknown[] }).members.length);
    expect(sizes).toEqual([500, 500, 203]);
    for (const s of sent) {
      expect(s.method).toBe('POST');
      expect(s.path).toBe('/3.0/lists/a1b2c3d4e5');
      expect(s.body).toMatchObject({ update_existing: true });
      for (const member of (s.body as { members: Record<string, unknown>[] }).members) {
        expect(member).not.toHaveProperty('status');
        expect(member.status_if_new).toBe('subscribed');
      }
    }
  });

  it('fails records without an email locally and skips a repeated address', async () => {
    const { ctx, sent } = fakeMailchimp(() => json(200, {}));
    const results = await mailchimp.destination!.upsert(ctx, config, [
      sampleRecords[0]!,
      { profileId: 'prof_noemail', fields: {} },
      { profileId: 'prof_twin', email: 'ANN.LEE@example.com', fields: {} },
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'skipped']);
    expect(results[1]).toMatchObject({ error: { code: 'rejected', field: 'email' } });
    expect((sent[0]!.body as { members: unknown[] }).members).toHaveLength(1);
  });

  it('throws rate limiting for the whole call, with the wait Mailchimp asked for', async () => {
    const { ctx } = fakeMailchimp(() =>
      json(
        429,
        {
          title: 'Too Many Requests',
          status: 429,
          detail: 'You have exceeded the limit of 10 simultaneous connections.',
        },
        { 'retry-after': '3' },
      ),
    );
    await expect(mailchimp.destination!.upsert(ctx, config, sampleRecords)).rejects.toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 3000,
    });
  });
});

describe('mailchimp per-contact calls', () => {
  it('archive: 404 is skipped, 400 fails that contact, others ok', async () => {
    const bobHash = subscriberHash('bob@example.com');
    const cyHash = subscriberHash('cy@example.org');
    const { ctx, sent } = fakeMailchimp((s) =>
      s.path.endsWith(bobHash)
        ? json(404, { status: 404, detail: 'The requested resource could not be found.' })
        : s.path.endsWith(cyHash)
          ? json(400, { status: 400, detail: 'Cannot archive this contact.' })
          : undefined,
    );
    const results = await mailchimp.destination!.remove!(ctx, config, sampleRecords);
    expect(results.map((r) => r.status)).toEqual(['ok', 'skipped', 'failed']);
    expect(sent.map((s) => s.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(sent[0]!.path).toBe(`/3.0/lists/a1b2c3d4e5/members/${subscriberHash('ann.lee@example.com')}`);
  });

  it('erase deletes permanently; an auth failure stops the call', async () => {
    const { ctx, sent } = fakeMailchimp(() =>
      sent.length > 1 ? json(401, { detail: 'API Key Invalid' }) : undefined,
    );
    await expect(mailchimp.destination!.erase!(ctx, config, sampleRecords)).rejects.toMatchObject({
      code: 'auth',
    });
    expect(sent[0]!.path).toMatch(/\/members\/[0-9a-f]{32}\/actions\/delete-permanent$/);
    expect(sent).toHaveLength(2);
  });

  it('tags: active for adds then inactive for removes', async () => {
    const { ctx, sent } = fakeMailchimp();
    const [first, ...rest] = sampleRecords;
    const results = await mailchimp.destination!.setMembership!(ctx, config, 'High value', rest, [first!]);
    expect(results.map((r) => r.profileId)).toEqual(['prof_mc_bob', 'prof_mc_cy', 'prof_mc_ann']);
    expect(sent.map((s) => (s.body as { tags: unknown[] }).tags)).toEqual([
      [{ name: 'High value', status: 'active' }],
      [{ name: 'High value', status: 'active' }],
      [{ name: 'High value', status: 'inactive' }],
    ]);
  });

  it('a tag name Mailchimp cannot hold fails every record without a request', async () => {
    const { ctx, sent } = fakeMailchimp();
    const results = await mailchimp.destination!.setMembership!(
      ctx,
      config,
      'x'.repeat(101),
      sampleRecords,
      [],
    );
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    expect(sent).toEqual([]);
  });

  it('static segments: finds the segment by name, or creates it, then writes in bulk', async () => {
    const staticConfig = { ...config, useStaticSegments: true };
    const { ctx, sent } = fakeMailchimp((s) => {
      if (s.method === 'GET')
        return json(200, { segments: [{ id: 7, name: 'Other', type: 'static' }], total_items: 1 });
      if (s.path.endsWith('/segments')) return json(200, { id: 42, name: 'VIP' });
      return json(200, { errors: [{ email_addresses: ['cy@example.org'], error: 'not on the list' }] });
    });
    const results = await mailchimp.destination!.setMembership!(ctx, staticConfig, 'VIP', sampleRecords, []);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'failed']);
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /3.0/lists/a1b2c3d4e5/segments',
      'POST /3.0/lists/a1b2c3d4e5/segments',
      'POST /3.0/lists/a1b2c3d4e5/segments/42',
    ]);
    expect(sent[1]!.body).toEqual({ name: 'VIP', static_segment: [] });
    expect(sent[2]!.body).toEqual({
      members_to_add: ['Ann.Lee@example.com', 'bob@example.com', 'cy@example.org'],
    });
  });
});

describe('mailchimp ensureFields', () => {
  /** A fake audience that remembers the merge fields created on it. */
  function audience(initial: { tag: string; name: string }[]) {
    const fields = [...initial];
    return fakeMailchimp((s) => {
      if (s.method === 'GET') return json(200, { merge_fields: fields, total_items: fields.length });
      const body = s.body as { tag: string; name: string };
      fields.push({ tag: body.tag, name: body.name });
      return json(200, { tag: body.tag, merge_id: fields.length });
    });
  }

  it('creates missing fields with unique tags and the right types, and reuses them on the next run', async () => {
    const { ctx, sent } = audience([
      { tag: 'EMAIL', name: 'Email Address' },
      { tag: 'FNAME', name: 'First Name' },
      { tag: 'LIFETIMEVA', name: 'Lifetime value (manual)' },
    ]);
    const specs = [
      { key: 'FNAME', label: 'Given name', type: 'text' as const },
      { key: 'lifetime_value_30d', label: 'LTV 30d', type: 'number' as const },
      { key: 'lifetime_value_90d', label: 'LTV 90d', type: 'number' as const },
      { key: 'is_vip', label: 'VIP', type: 'boolean' as const },
      { key: 'first_order_at', label: 'First order', type: 'date' as const },
    ];
    const first = await mailchimp.destination!.ensureFields!(ctx, config, specs);
    expect(first.map((f) => [f.key, f.destinationKey, f.created])).toEqual([
      ['FNAME', 'FNAME', false],
      ['lifetime_value_30d', 'LIFETIMEV1', true],
      ['lifetime_value_90d', 'LIFETIMEV2', true],
      ['is_vip', 'ISVIP', true],
      ['first_order_at', 'FIRSTORDER', true],
    ]);
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.body)).toEqual([
      { tag: 'LIFETIMEV1', name: 'LTV 30d', type: 'number', required: false, public: false },
      { tag: 'LIFETIMEV2', name: 'LTV 90d', type: 'number', required: false, public: false },
      { tag: 'ISVIP', name: 'VIP', type: 'text', required: false, public: false },
      { tag: 'FIRSTORDER', name: 'First order', type: 'date', required: false, public: false },
    ]);
    expect(sent[0]!.search).toContain('count=1000');

    const second = await mailchimp.destination!.ensureFields!(ctx, config, specs);
    expect(second.map((f) => f.destinationKey)).toEqual(first.map((f) => f.destinationKey));
    expect(second.every((f) => !f.created)).toBe(true);
  });
});
