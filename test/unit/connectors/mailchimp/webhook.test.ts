import { describe, expect, it } from 'vitest';
import { mailchimpConfigSchema } from '../../../../connectors/mailchimp/config.js';
import {
  campaignBody,
  cleanedBody,
  profileBody,
  unsubscribeBody,
  upemailBody,
} from '../../../../connectors/mailchimp/fixtures/webhooks.js';
import {
  parseMailchimpWebhook,
  REQUEST_URL_HEADER,
  verifyMailchimpWebhook,
} from '../../../../connectors/mailchimp/webhook.js';

const secret = 'a-long-webhook-secret-0001';
const config = mailchimpConfigSchema.parse({ apiKey: 'k-us21', listId: 'a1b2c3d4e5', webhookSecret: secret });
const at = (url: string) => new Headers({ [REQUEST_URL_HEADER]: url });
const hook = 'https://hub.example.com/webhooks/conn_1';

describe('verifyMailchimpWebhook', () => {
  it('accepts the secret from the URL the host received', async () => {
    expect(await verifyMailchimpWebhook(unsubscribeBody, at(`${hook}?secret=${secret}`), config)).toBe(true);
  });

  it('refuses a wrong, longer, shorter or missing secret, and a missing URL header', async () => {
    for (const url of [
      `${hook}?secret=nope`,
      `${hook}?secret=${secret}x`,
      `${hook}?secret=${secret.slice(1)}`,
      hook,
    ]) {
      expect(await verifyMailchimpWebhook(unsubscribeBody, at(url), config), url).toBe(false);
    }
    expect(await verifyMailchimpWebhook(unsubscribeBody, new Headers(), config)).toBe(false);
    expect(await verifyMailchimpWebhook(unsubscribeBody, at('not a url'), config)).toBe(false);
  });

  it('refuses everything when the connection has no webhook secret', async () => {
    const { webhookSecret: _, ...withoutSecret } = config;
    expect(await verifyMailchimpWebhook(unsubscribeBody, at(`${hook}?secret=`), withoutSecret)).toBe(false);
  });
});

describe('parseMailchimpWebhook', () => {
  it('an unsubscribe withdraws email consent', () => {
    expect(parseMailchimpWebhook(unsubscribeBody)).toEqual([
      {
        eventId: expect.stringMatching(/^mailchimp:unsubscribe:[0-9a-f]{32}$/),
        type: 'email.unsubscribed',
        email: 'ann.lee@example.com',
        occurredAt: '2024-05-01T12:30:05.000Z',
        properties: {
          vendorType: 'unsubscribe',
          listId: 'a1b2c3d4e5',
          consent: { email: 'unsubscribed' },
          reason: 'manual',
          action: 'unsub',
          mergeFields: { EMAIL: 'ann.lee@example.com', FNAME: 'Ann' },
        },
      },
    ]);
  });

  it('a cleaned address withdraws consent with the bounce reason', () => {
    expect(parseMailchimpWebhook(cleanedBody)[0]).toMatchObject({
      type: 'email.cleaned',
      email: 'bob@example.com',
      properties: { consent: { email: 'unsubscribed' }, reason: 'hard' },
    });
  });

  it('a profile change carries the merge fields; an email change both addresses', () => {
    expect(parseMailchimpWebhook(profileBody)[0]).toMatchObject({
      type: 'profile.updated',
      email: 'cy@example.org',
      properties: { mergeFields: { FNAME: 'Cyrus', LTV: '44' } },
    });
    expect(parseMailchimpWebhook(upemailBody)[0]).toMatchObject({
      type: 'email.changed',
      email: 'cy.new@example.org',
      properties: { oldEmail: 'cy@example.org', newEmail: 'cy.new@example.org' },
    });
  });

  it('ignores types that say nothing about a person', () => {
    expect(parseMailchimpWebhook(campaignBody)).toEqual([]);
  });

  it('event ids: the same notification in any parameter order is one id; different ones differ', () => {
    const reordered = new TextEncoder().encode(
      [...new URLSearchParams(new TextDecoder().decode(unsubscribeBody))]
        .reverse()
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&'),
    );
    const id = (body: Uint8Array) => parseMailchimpWebhook(body)[0]!.eventId;
    expect(id(reordered)).toBe(id(unsubscribeBody));
    const ids = [unsubscribeBody, cleanedBody, profileBody, upemailBody].map(id);
    expect(new Set(ids).size).toBe(4);
  });

  it('refuses a notification without a usable fired_at', () => {
    const body = new TextEncoder().encode('type=unsubscribe&data[email]=a%40b.co&fired_at=yesterday');
    expect(() => parseMailchimpWebhook(body)).toThrow(/fired_at/);
  });
});
