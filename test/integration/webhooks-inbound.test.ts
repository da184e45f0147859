import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendgridSigningKeys } from '../../connectors/sendgrid/fixtures/sign-webhook.js';
import { consent, events, identities, suppressions, webhookEvents } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const encoder = new TextEncoder();
const MAILCHIMP_SECRET = 'mailchimp-webhook-secret-0001';
const HUBSPOT_SECRET = 'hubspot-client-secret';

async function connection(connectorId: string, config: Record<string, unknown>): Promise<string> {
  const res = await t.call('POST', '/v1/admin/connections', {
    body: { connectorId, name: `${connectorId} ${Math.random()}`, config },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const mailchimp = () =>
  connection('mailchimp', { apiKey: 'abc123-us21', listId: 'list1', webhookSecret: MAILCHIMP_SECRET });

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return Promise.resolve(t.app.request(path, { method: 'POST', headers, body }));
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function sendgridKeys() {
  const keys = await sendgridSigningKeys();
  const sign = async (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      'content-type': 'application/json',
      'X-Twilio-Email-Event-Webhook-Signature': await keys.sign(timestamp, encoder.encode(body)),
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
    };
  };
  return { publicKey: keys.publicKey, sign };
}

async function emailConsentOf(email: string) {
  const [identity] = await t.deps.db
    .select({ profileId: identities.profileId })
    .from(identities)
    .where(eq(identities.value, email));
  if (!identity) return undefined;
  const [row] = await t.deps.db.select().from(consent).where(eq(consent.profileId, identity.profileId));
  return row?.status;
}

describe('POST /v1/webhooks/{connectionId}: Mailchimp', () => {
  it('answers the GET validation ping with 200, and 404 for an unknown connection', async () => {
    const id = await mailchimp();
    expect((await t.app.request(`/v1/webhooks/${id}?secret=${MAILCHIMP_SECRET}`)).status).toBe(200);
    expect((await t.app.request('/v1/webhooks/conn_unknown1')).status).toBe(404);
  });

  it('takes an unsubscribe with the secret in the URL: event stored, consent unsubscribed, push queued', async () => {
    const id = await mailchimp();
    const body = form({
      type: 'unsubscribe',
      fired_at: '2026-01-02 10:00:00',
      'data[email]': 'Ann@Example.com',
      'data[list_id]': 'list1',
      'data[reason]': 'manual',
      'data[merges][FNAME]': 'Ann',
    });
    // No API key: the URL secret is the authentication.
    const res = await post(`/v1/webhooks/${id}?secret=${MAILCHIMP_SECRET}`, body, FORM);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, stored: 1, duplicates: 0, unresolved: 0 });
    expect(await emailConsentOf('ann@example.com')).toBe('unsubscribed');
    const [event] = await t.deps.db.select().from(events);
    expect(event).toMatchObject({ source: `mailchimp:${id}`, type: 'track', name: 'Unsubscribed' });
    const queued = await t.deps.db.select().from(suppressions);
    expect(queued).toMatchObject([
      { originConnectionId: id, reason: 'email.unsubscribed', completedAt: null },
    ]);

    // Mailchimp retries: the same notification again is acknowledged and stored once.
    const again = await post(`/v1/webhooks/${id}?secret=${MAILCHIMP_SECRET}`, body, FORM);
    expect(await again.json()).toEqual({ received: 1, stored: 0, duplicates: 1, unresolved: 0 });
    expect(await t.deps.db.select().from(events)).toHaveLength(1);
    expect(await t.deps.db.select().from(suppressions)).toHaveLength(1);
  });

  it('refuses a wrong secret with 401 and a forged trusted header changes nothing', async () => {
    const id = await mailchimp();
    const body = form({
      type: 'unsubscribe',
      fired_at: '2026-01-02 10:00:00',
      'data[email]': 'a@example.com',
    });
    const res = await post(`/v1/webhooks/${id}?secret=wrong-secret-wrong-secret`, body, {
      ...FORM,
      'x-esp-hub-request-url': `https://x.example/?secret=${MAILCHIMP_SECRET}`,
    });
    expect(res.status).toBe(401);
    const envelope = (await res.json()) as { error: { code: string; details?: unknown } };
    expect(envelope.error.code).toBe('unauthorized');
    expect(envelope.error.details).toBeUndefined();
    expect(await t.deps.db.select().from(events)).toHaveLength(0);
    expect(await t.deps.db.select().from(webhookEvents)).toHaveLength(0);
  });

  it('cleaned unsubscribes; profile updates traits; upemail moves the person to the new address', async () => {
    const id = await mailchimp();
    const url = `/v1/webhooks/${id}?secret=${MAILCHIMP_SECRET}`;
    await post(
      url,
      form({ type: 'subscribe', fired_at: '2026-01-01 09:00:00', 'data[email]': 'bo@example.com' }),
      FORM,
    );
    expect(await emailConsentOf('bo@example.com')).toBe('subscribed');
    await post(
      url,
      form({
        type: 'profile',
        fired_at: '2026-01-01 09:30:00',
        'data[email]': 'bo@example.com',
        'data[merges][FNAME]': 'Bo',
        'data[merges][LNAME]': '',
      }),
      FORM,
    );
    await post(
      url,
      form({
        type: 'upemail',
        fired_at: '2026-01-01 10:00:00',
        'data[old_email]': 'bo@example.com',
        'data[new_email]': 'bo.new@example.com',
      }),
      FORM,
    );
    const rows = await t.deps.db.select().from(identities).where(eq(identities.type, 'email'));
    expect(new Set(rows.map((row) => row.profileId)).size).toBe(1);
    expect(rows.map((row) => row.value).sort()).toEqual(['bo.new@example.com', 'bo@example.com']);
    const profile = await t.call('GET', `/v1/profiles/${rows[0]!.profileId}`);
    expect(((await profile.json()) as { traits: Record<string, unknown> }).traits).toMatchObject({
      first_name: 'Bo',
    });

    await post(
      url,
      form({ type: 'cleaned', fired_at: '2026-01-01 11:00:00', 'data[email]': 'bo.new@example.com' }),
      FORM,
    );
    expect(await emailConsentOf('bo@example.com')).toBe('unsubscribed');
  });
});

describe('POST /v1/webhooks/{connectionId}: SendGrid', () => {
  it('verifies the ECDSA signature over the raw bytes and maps each event', async () => {
    const keys = await sendgridKeys();
    const id = await connection('sendgrid', { apiKey: 'SG.test', webhookPublicKey: keys.publicKey });
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify([
      { email: 'cy@example.com', event: 'delivered', timestamp: ts, sg_event_id: 'e1' },
      { email: 'cy@example.com', event: 'open', timestamp: ts, sg_event_id: 'e2' },
      { email: 'cy@example.com', event: 'click', timestamp: ts, sg_event_id: 'e3', url: 'https://x.example' },
      { email: 'cy@example.com', event: 'bounce', type: 'blocked', timestamp: ts, sg_event_id: 'e4' },
      { email: 'cy@example.com', event: 'dropped', timestamp: ts, sg_event_id: 'e5' },
      { email: 'di@example.com', event: 'bounce', type: 'bounce', timestamp: ts, sg_event_id: 'e6' },
      { email: 'ed@example.com', event: 'spamreport', timestamp: ts, sg_event_id: 'e7' },
      { email: 'fa@example.com', event: 'unsubscribe', timestamp: ts, sg_event_id: 'e8' },
      { email: 'fa@example.com', event: 'unsubscribe', timestamp: ts, sg_event_id: 'e8' },
    ]);
    const headers = await keys.sign(body);
    const res = await post(`/v1/webhooks/${id}`, body, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 9, stored: 8, duplicates: 1, unresolved: 0 });
    const names = (await t.deps.db.select().from(events)).map((event) => event.name).sort();
    expect(names).toEqual(
      [
        'Email Delivered',
        'Email Opened',
        'Email Link Clicked',
        'Email Bounced',
        'Email Dropped',
        'Email Bounced',
        'Email Marked as Spam',
        'Unsubscribed',
      ].sort(),
    );
    // A "blocked" bounce is not a dead mailbox; a hard bounce, spam report and unsubscribe are.
    expect(await emailConsentOf('cy@example.com')).toBeUndefined();
    expect(await emailConsentOf('di@example.com')).toBe('unsubscribed');
    expect(await emailConsentOf('ed@example.com')).toBe('unsubscribed');
    expect(await emailConsentOf('fa@example.com')).toBe('unsubscribed');
    expect(await t.deps.db.select().from(suppressions)).toHaveLength(3);

    // One changed byte and the signature no longer holds.
    const tampered = body.replace('fa@example.com', 'fb@example.com');
    expect((await post(`/v1/webhooks/${id}`, tampered, headers)).status).toBe(401);
    // A redelivery of the whole batch is all duplicates.
    const again = await post(`/v1/webhooks/${id}`, body, await keys.sign(body));
    expect(await again.json()).toEqual({ received: 9, stored: 0, duplicates: 9, unresolved: 0 });
  });

  it('answers 400 for a verified body that is not a SendGrid payload', async () => {
    const keys = await sendgridKeys();
    const id = await connection('sendgrid', { apiKey: 'SG.test', webhookPublicKey: keys.publicKey });
    const body = '{"not":"an array"}';
    const res = await post(`/v1/webhooks/${id}`, body, await keys.sign(body));
    expect(res.status).toBe(400);
  });
});

describe('POST /v1/webhooks/{connectionId}: HubSpot', () => {
  it('checks the v3 signature against the URL actually received', async () => {
    const id = await connection('hubspot', { accessToken: 'pat-x', clientSecret: HUBSPOT_SECRET });
    const url = `http://localhost/v1/webhooks/${id}`;
    const body = JSON.stringify([
      {
        eventId: 100,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        objectId: 123,
        propertyName: 'email',
        propertyValue: 'gu@example.com',
      },
      { eventId: 101, occurredAt: Date.now(), subscriptionType: 'contact.deletion', objectId: 124 },
    ]);
    const sign = (signedUrl: string) => {
      const timestamp = String(Date.now());
      return {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': createHmac('sha256', HUBSPOT_SECRET)
          .update(`POST${signedUrl}${body}${timestamp}`)
          .digest('base64'),
      };
    };
    // Signed for another URL, with that URL claimed in the trusted header: refused.
    const forged = await post(`/v1/webhooks/${id}`, body, {
      ...sign('https://elsewhere.example/hook'),
      'x-esp-hub-url': 'https://elsewhere.example/hook',
    });
    expect(forged.status).toBe(401);

    const res = await post(url, body, sign(url));
    expect(res.status).toBe(200);
    // The deletion names no address: acknowledged, not stored.
    expect(await res.json()).toEqual({ received: 2, stored: 1, duplicates: 0, unresolved: 1 });
    const [event] = await t.deps.db.select().from(events);
    expect(event).toMatchObject({
      source: `hubspot:${id}`,
      name: 'contact.propertyChange',
      messageId: '100',
    });
  });

  it('behind a TLS-terminating proxy, checks it against the public URL (ESP_HUB_PUBLIC_URL)', async () => {
    t.deps.settings.publicUrl = 'https://hub.example.com/esp';
    const id = await connection('hubspot', { accessToken: 'pat-x', clientSecret: HUBSPOT_SECRET });
    const body = JSON.stringify([
      { eventId: 7, occurredAt: Date.now(), subscriptionType: 'contact.creation', objectId: 9 },
    ]);
    const signed = (url: string) => {
      const timestamp = String(Date.now());
      return {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': createHmac('sha256', HUBSPOT_SECRET)
          .update(`POST${url}${body}${timestamp}`)
          .digest('base64'),
      };
    };
    // HubSpot signed the public https URL; the request reaches us as plain http on another host.
    const ok = await post(
      `http://10.0.0.5:8787/v1/webhooks/${id}?a=1`,
      body,
      signed(`https://hub.example.com/esp/v1/webhooks/${id}?a=1`),
    );
    expect(ok.status).toBe(200);
    const internal = await post(
      `http://10.0.0.5:8787/v1/webhooks/${id}`,
      body,
      signed(`http://10.0.0.5:8787/v1/webhooks/${id}`),
    );
    expect(internal.status).toBe(401);
  });
});
