import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hubspotConfigSchema } from '../../../../connectors/hubspot/config.js';
import {
  parseHubspotWebhook,
  REQUEST_URL_HEADER,
  signedUri,
  verifyHubspotWebhook,
} from '../../../../connectors/hubspot/webhook.js';

const SECRET = 'client-secret-for-tests';
const config = hubspotConfigSchema.parse({ accessToken: 'pat-x', clientSecret: SECRET });
const URL_CALLED = 'https://hub.example.com/webhooks/hubspot/conn_123?portal=42';
const NOW = new Date('2024-05-01T12:00:00.000Z');
const body = JSON.stringify([
  {
    eventId: 100,
    subscriptionId: 7,
    portalId: 42,
    appId: 9,
    occurredAt: NOW.getTime() - 1000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 123,
    propertyName: 'email',
    propertyValue: 'ada@example.com',
    changeSource: 'CRM',
  },
  {
    eventId: 101,
    occurredAt: NOW.getTime(),
    subscriptionType: 'contact.deletion',
    objectId: 124,
    portalId: 42,
  },
]);
const bytes = (text: string) => new TextEncoder().encode(text);

/** Signed independently of the code under test, with Node's crypto, per HubSpot's documentation. */
function sign(method: string, uri: string, raw: string, timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${method}${uri}${raw}${timestamp}`).digest('base64');
}

function headers(overrides: Record<string, string> = {}, raw = body): Headers {
  const timestamp = String(NOW.getTime() - 60_000);
  return new Headers({
    'x-hubspot-signature-v3': sign('POST', URL_CALLED, raw, timestamp),
    'x-hubspot-request-timestamp': timestamp,
    [REQUEST_URL_HEADER]: URL_CALLED,
    ...overrides,
  });
}

describe('hubspot webhook signature v3', () => {
  it('accepts a request signed with the client secret', async () => {
    expect(await verifyHubspotWebhook(bytes(body), headers(), config, NOW)).toBe(true);
  });

  it('rejects a tampered body, URL or timestamp', async () => {
    expect(await verifyHubspotWebhook(bytes(body.replace('ada@', 'eve@')), headers(), config, NOW)).toBe(
      false,
    );
    const otherUrl = headers({ [REQUEST_URL_HEADER]: 'https://hub.example.com/webhooks/hubspot/conn_999' });
    expect(await verifyHubspotWebhook(bytes(body), otherUrl, config, NOW)).toBe(false);
    const shifted = headers({ 'x-hubspot-request-timestamp': String(NOW.getTime() - 59_000) });
    expect(await verifyHubspotWebhook(bytes(body), shifted, config, NOW)).toBe(false);
  });

  it('rejects a request older than five minutes even with a valid signature', async () => {
    const timestamp = String(NOW.getTime() - 5 * 60_000 - 1);
    const stale = headers({
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': sign('POST', URL_CALLED, body, timestamp),
    });
    expect(await verifyHubspotWebhook(bytes(body), stale, config, NOW)).toBe(false);
  });

  it('rejects a wrong secret, missing headers, and a config without a client secret', async () => {
    const timestamp = String(NOW.getTime());
    const wrong = headers({
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': sign('POST', URL_CALLED, body, timestamp, 'other-secret'),
    });
    expect(await verifyHubspotWebhook(bytes(body), wrong, config, NOW)).toBe(false);
    const noUrl = headers();
    noUrl.delete(REQUEST_URL_HEADER);
    expect(await verifyHubspotWebhook(bytes(body), noUrl, config, NOW)).toBe(false);
    const { clientSecret: _unused, ...withoutSecret } = config;
    expect(await verifyHubspotWebhook(bytes(body), headers(), withoutSecret, NOW)).toBe(false);
  });

  it('signs the URI with HubSpot’s listed characters decoded', async () => {
    expect(signedUri('https://h.example/a%3Ab%2Fc?x=%40%20y')).toBe('https://h.example/a:b/c?x=@%20y');
    const encoded = 'https://hub.example.com/hook?next=%2Fhome%3Fa%3D1';
    const timestamp = String(NOW.getTime());
    const h = headers({
      [REQUEST_URL_HEADER]: encoded,
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': sign(
        'POST',
        'https://hub.example.com/hook?next=/home?a%3D1',
        body,
        timestamp,
      ),
    });
    expect(await verifyHubspotWebhook(bytes(body), h, config, NOW)).toBe(true);
  });
});

describe('hubspot webhook parse', () => {
  it('turns subscription events into inbound events', () => {
    const events = parseHubspotWebhook(bytes(body));
    expect(events).toEqual([
      {
        eventId: '100',
        type: 'contact.propertyChange',
        email: 'ada@example.com',
        occurredAt: new Date(NOW.getTime() - 1000).toISOString(),
        properties: expect.objectContaining({
          objectId: '123',
          portalId: 42,
          propertyName: 'email',
          propertyValue: 'ada@example.com',
          changeSource: 'CRM',
        }),
      },
      {
        eventId: '101',
        type: 'contact.deletion',
        occurredAt: NOW.toISOString(),
        properties: { objectId: '124', portalId: 42 },
      },
    ]);
  });

  it('rejects bodies that are not a list of events', () => {
    expect(() => parseHubspotWebhook(bytes('{'))).toThrow(/not JSON/);
    expect(() => parseHubspotWebhook(bytes('{"eventId":1}'))).toThrow(/not a list of events/);
  });
});
