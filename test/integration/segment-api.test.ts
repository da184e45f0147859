import { gzipSync } from 'node:zlib';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, identities, profiles } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { basic, mid, post, send, storedEvent } from './segment-fixtures.js';

let t: TestApp;
let key: string;
beforeEach(async () => {
  // The app-wide limit is raised so the tracking API's own 500 KB limit is what answers.
  t = await createTestApp({ maxBodyBytes: 1024 * 1024 });
  key = await t.keyFor('ingest');
});
afterEach(async () => {
  await t.close();
});

const eventCount = async () => (await t.deps.db.select({ n: count() }).from(events))[0]!.n;

describe('authentication', () => {
  const track = () => ({ userId: 'u1', event: 'Signed In', messageId: mid() });

  it('accepts an ingest key as the Basic user name (the Segment write key)', async () => {
    const res = await send(t, key, '/v1/track', track());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, results: [{ index: 0, status: 'stored' }] });
  });

  it('accepts an admin key too, as Basic or Bearer', async () => {
    expect((await post(t, '/v1/track', track(), { authorization: basic(t.adminKey) })).status).toBe(200);
    expect((await post(t, '/v1/track', track(), { authorization: `Bearer ${t.adminKey}` })).status).toBe(200);
  });

  it('answers 403 to a key whose role may not ingest, 401 without a key or with an unknown one', async () => {
    const viewer = await t.keyFor('viewer');
    const forbidden = await send(t, viewer, '/v1/batch', { batch: [{ type: 'track', ...track() }] });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('forbidden');
    expect((await post(t, '/v1/track', track())).status).toBe(401);
    expect((await send(t, 'ehk_not-a-key', '/v1/track', track())).status).toBe(401);
    expect(await eventCount()).toBe(0);
  });

  it("takes analytics.js's writeKey from a text/plain body when no header is sent", async () => {
    const res = await post(t, '/v1/t', { ...track(), writeKey: key }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(200);
    const [row] = await t.deps.db.select().from(events);
    // The credential is not stored with the event.
    expect(JSON.stringify(row)).not.toContain(key);
    expect((await post(t, '/v1/t', { ...track(), writeKey: 'ehk_wrong' })).status).toBe(401);
  });
});

describe('/v1/batch', () => {
  it('stores the good messages and rejects the malformed ones one by one, with the reason', async () => {
    const good = [mid(), mid()];
    const res = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u1', traits: { plan: 'pro' }, messageId: good[0] },
        { type: 'track', userId: 'u1', messageId: 'no-event-name' },
        { type: 'launch', userId: 'u1', messageId: 'bad-type' },
        { type: 'page', messageId: 'nobody' },
        'not an object',
        { type: 'track', userId: 'u1', event: 'Signed In', timestamp: 'yesterday', messageId: 'bad-time' },
        { type: 'track', anonymousId: 'a1', event: 'Signed In', messageId: good[1] },
      ],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.success).toBe(true);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual([
      'stored',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'stored',
    ]);
    expect(body.results[1]).toMatchObject({
      index: 1,
      messageId: 'no-event-name',
      errors: [{ path: 'event', message: 'is required' }],
    });
    expect(body.results[2].errors[0].path).toBe('type');
    expect(body.results[3].errors[0]).toEqual({
      path: 'userId',
      message: 'userId or anonymousId is required',
    });
    expect(body.results[4].errors[0].path).toBe('(message)');
    expect(body.results[5].errors[0].path).toBe('timestamp');
    expect(body.results[5].reason).toContain('timestamp');
    expect(await eventCount()).toBe(2);
  });

  it('reports a message whose identifiers are all placeholders as rejected', async () => {
    const res = await send(t, key, '/v1/batch', {
      batch: [
        { type: 'track', userId: 'undefined', event: 'Signed In', messageId: 'placeholder' },
        { type: 'track', userId: 'u1', event: 'Signed In', messageId: mid() },
      ],
    });
    const body = await res.json();
    expect(body.results[0]).toMatchObject({ status: 'rejected', messageId: 'placeholder' });
    expect(body.results[0].reason).toMatch(/no usable identifier/);
    expect(body.results[1].status).toBe('stored');
  });

  it('answers 400 listing the paths when the body is not a batch, and for invalid JSON', async () => {
    const res = await send(t, key, '/v1/batch', { messages: [] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toEqual([{ path: 'batch', message: expect.any(String) }]);
    const broken = await post(t, '/v1/batch', '{"batch": [', { authorization: basic(key) });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('bad_request');
  });

  it('merges the batch context into each message and corrects the event time for clock skew', async () => {
    const receivedAt = new Date('2026-03-01T12:00:00.000Z');
    t.deps.now = () => receivedAt;
    const id = mid();
    await send(t, key, '/v1/batch', {
      context: { library: { name: 'analytics-python' }, ip: '10.0.0.1' },
      // The device clock is an hour fast; the call happened 10 s before the send.
      sentAt: '2026-03-01T13:00:10.000Z',
      batch: [
        {
          type: 'track',
          userId: 'u1',
          event: 'Signed In',
          messageId: id,
          timestamp: '2026-03-01T13:00:00.000Z',
          context: { ip: '10.0.0.2' },
        },
      ],
    });
    const [row] = await storedEvent(t, id);
    expect(row!.occurredAt).toEqual(new Date('2026-03-01T11:59:50.000Z'));
    expect(row!.context).toMatchObject({ library: { name: 'analytics-python' }, ip: '10.0.0.2' });
    expect(row!.context!._segment).toMatchObject({
      timestamp: '2026-03-01T13:00:00.000Z',
      sentAt: '2026-03-01T13:00:10.000Z',
    });
  });

  it('works on the paths analytics.js and the HTTP API also use (/v1/b, /v1/import)', async () => {
    for (const path of ['/v1/b', '/v1/import']) {
      const res = await send(t, key, path, {
        batch: [{ type: 'page', anonymousId: 'a1', messageId: mid() }],
      });
      expect(res.status).toBe(200);
    }
    expect(await eventCount()).toBe(2);
  });
});

describe('single calls', () => {
  it('answer 400 validation_failed with the path of each bad field', async () => {
    const res = await send(t, key, '/v1/track', { event: 42, properties: [] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['event', 'properties']);
    expect(await eventCount()).toBe(0);
  });

  it('answer 400 for a message with only placeholder identifiers', async () => {
    const res = await send(t, key, '/v1/identify', { userId: 'n/a', traits: { plan: 'pro' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].message).toMatch(/no usable identifier/);
  });

  it('take the type from the path, store identify traits, alias as userId + previousId, group as an event', async () => {
    const ids = { identify: mid(), alias: mid(), group: mid(), screen: mid() };
    await send(t, key, '/v1/identify', {
      type: 'track',
      anonymousId: 'anon-1',
      traits: { first_name: 'Ann', email: 'ann@example.com' },
      messageId: ids.identify,
    });
    await send(t, key, '/v1/alias', { previousId: 'anon-1', userId: 'u-ann', messageId: ids.alias });
    await send(t, key, '/v1/group', {
      userId: 'u-ann',
      groupId: 'acme',
      traits: { industry: 'retail' },
      messageId: ids.group,
    });
    await send(t, key, '/v1/s', {
      userId: 'u-ann',
      name: 'Checkout',
      properties: { step: 2 },
      messageId: ids.screen,
    });

    const [identify] = await storedEvent(t, ids.identify);
    expect(identify).toMatchObject({ type: 'identify', name: null, properties: { first_name: 'Ann' } });
    const [alias] = await storedEvent(t, ids.alias);
    expect(alias).toMatchObject({
      type: 'alias',
      properties: { previousId: 'anon-1' },
      profileId: identify!.profileId,
    });
    const [group] = await storedEvent(t, ids.group);
    expect(group).toMatchObject({ type: 'group', properties: { industry: 'retail', groupId: 'acme' } });
    const [screen] = await storedEvent(t, ids.screen);
    expect(screen).toMatchObject({ type: 'screen', name: 'Checkout', profileId: identify!.profileId });

    const ids_ = await t.deps.db
      .select()
      .from(identities)
      .where(eq(identities.profileId, identify!.profileId));
    expect(ids_.map((i) => `${i.type}:${i.value}`).sort()).toEqual([
      'anonymous_id:anon-1',
      'email:ann@example.com',
      'user_id:u-ann',
    ]);
    const [profile] = await t.deps.db.select().from(profiles).where(eq(profiles.id, identify!.profileId));
    // Group traits describe the group, not the person.
    expect(profile!.traits).toEqual({ first_name: 'Ann', email: 'ann@example.com' });
  });
});

describe('limits', () => {
  const padding = (bytes: number) => 'x'.repeat(bytes);

  it('answers 413 for a batch over 500 KB', async () => {
    const batch = Array.from({ length: 20 }, () => ({
      type: 'track',
      userId: 'u1',
      event: 'Big',
      properties: { blob: padding(30 * 1024) },
    }));
    const res = await send(t, key, '/v1/batch', { batch });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(await eventCount()).toBe(0);
  });

  it('rejects a message over 32 KB inside a batch and stores the rest; 413 for a single call', async () => {
    const res = await send(t, key, '/v1/batch', {
      batch: [
        {
          type: 'track',
          userId: 'u1',
          event: 'Big',
          properties: { blob: padding(33 * 1024) },
          messageId: 'big',
        },
        { type: 'track', userId: 'u1', event: 'Small', messageId: mid() },
      ],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      messageId: 'big',
      reason: 'message larger than 32 KB',
    });
    expect(body.results[1].status).toBe('stored');

    const single = await send(t, key, '/v1/track', {
      userId: 'u1',
      event: 'Big',
      properties: { blob: padding(33 * 1024) },
    });
    expect(single.status).toBe(413);
    expect(await eventCount()).toBe(1);
  });

  it('accepts a gzip body, and answers 413 when it expands past 500 KB', async () => {
    const id = mid();
    const small = gzipSync(
      JSON.stringify({ batch: [{ type: 'track', userId: 'u1', event: 'Zipped', messageId: id }] }),
    );
    const ok = await post(t, '/v1/batch', new Uint8Array(small), {
      authorization: basic(key),
      'content-encoding': 'gzip',
    });
    expect(ok.status).toBe(200);
    expect(await storedEvent(t, id)).toHaveLength(1);

    const bomb = gzipSync(JSON.stringify({ batch: [], pad: padding(600 * 1024) }));
    expect(bomb.byteLength).toBeLessThan(10 * 1024);
    const res = await post(t, '/v1/batch', new Uint8Array(bomb), {
      authorization: basic(key),
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(413);
  });
});

describe('idempotency', () => {
  it('stores a repeated messageId once, across requests and within one batch', async () => {
    const message = {
      type: 'track',
      userId: 'u1',
      event: 'Order Completed',
      messageId: 'once',
      properties: { order_id: 'o1', revenue: 10 },
    };
    const first = await (await send(t, key, '/v1/batch', { batch: [message, message] })).json();
    expect(first.results.map((r: { status: string }) => r.status)).toEqual(['stored', 'duplicate']);
    const again = await (await send(t, key, '/v1/track', message)).json();
    expect(again.results[0]).toEqual({ index: 0, status: 'duplicate', messageId: 'once' });
    expect(await storedEvent(t, 'once')).toHaveLength(1);
  });

  it('derives a messageId from the message when none is sent, so a retry is still one event', async () => {
    const message = { userId: 'u1', event: 'Signed In', timestamp: '2026-01-01T00:00:00.000Z' };
    const first = await (
      await send(t, key, '/v1/track', { ...message, sentAt: '2026-01-01T00:00:01.000Z' })
    ).json();
    const retry = await (
      await send(t, key, '/v1/track', { ...message, sentAt: '2026-01-01T00:00:09.000Z' })
    ).json();
    expect(first.results[0].messageId).toMatch(/^derived-[0-9a-f]{32}$/);
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', messageId: first.results[0].messageId });
    expect(await eventCount()).toBe(1);
  });
});

describe('what is kept', () => {
  it('keeps unknown fields in properties, context and the envelope; drops integrations', async () => {
    const id = mid();
    await send(t, key, '/v1/track', {
      userId: 'u1',
      event: 'Custom Thing',
      messageId: id,
      properties: { nested: { deep: [1, { x: true }] }, custom_field: 'kept' },
      context: { app: { name: 'Shop' }, mystery: { a: 1 } },
      integrations: { All: false, Mixpanel: true },
      channel: 'server',
      version: 2,
      myTopLevel: 'also kept',
    });
    const [row] = await storedEvent(t, id);
    expect(row!.properties).toEqual({ nested: { deep: [1, { x: true }] }, custom_field: 'kept' });
    expect(row!.context).toMatchObject({ app: { name: 'Shop' }, mystery: { a: 1 } });
    expect(row!.context!._segment).toEqual({ channel: 'server', version: 2, myTopLevel: 'also kept' });
    expect(JSON.stringify(row)).not.toContain('Mixpanel');
  });

  it('stores an invalid email or phone as given, flagged, and joins on it unchanged', async () => {
    const res = await send(t, key, '/v1/identify', {
      userId: 'u-typo',
      traits: { email: 'Ann@@Example', phone: '12' },
      messageId: mid(),
    });
    expect(res.status).toBe(200);
    const profileId = (await res.json()).results[0].profileId;
    const rows = await t.deps.db.select().from(identities).where(eq(identities.profileId, profileId));
    const email = rows.find((row) => row.type === 'email')!;
    const phone = rows.find((row) => row.type === 'phone')!;
    expect(email).toMatchObject({ rawValue: 'Ann@@Example', valid: false });
    expect(phone).toMatchObject({ rawValue: '12', valid: false });
    const [profile] = await t.deps.db.select().from(profiles).where(eq(profiles.id, profileId));
    expect(profile!.traits).toMatchObject({ email: 'Ann@@Example', phone: '12' });
  });

  it('takes email and phone from context.traits on track calls', async () => {
    const res = await send(t, key, '/v1/track', {
      anonymousId: 'a-ctx',
      event: 'Newsletter Subscribed',
      context: { traits: { email: 'ctx@example.com' } },
      messageId: mid(),
    });
    const profileId = (await res.json()).results[0].profileId;
    const rows = await t.deps.db.select().from(identities).where(eq(identities.profileId, profileId));
    expect(rows.map((row) => `${row.type}:${row.value}`).sort()).toEqual([
      'anonymous_id:a-ctx',
      'email:ctx@example.com',
    ]);
  });

  it('rejects ids holding U+0000, which SQLite would cut short on read', async () => {
    const res = await send(t, key, '/v1/batch', {
      batch: [{ type: 'track', userId: 'u1', event: 'Signed In', messageId: 'a\u0000b' }],
    });
    expect((await res.json()).results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'messageId' }],
    });
  });
});

describe('OpenAPI', () => {
  it('documents the tracking API under the ingest tag with its security schemes', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    for (const path of [
      '/v1/identify',
      '/v1/track',
      '/v1/page',
      '/v1/screen',
      '/v1/group',
      '/v1/alias',
      '/v1/batch',
    ]) {
      expect(doc.paths[path]?.post?.tags).toEqual(['ingest']);
      expect(doc.paths[path].post.security).toContainEqual({ segmentWriteKey: [] });
    }
    expect(doc.components.securitySchemes.segmentWriteKey).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});
