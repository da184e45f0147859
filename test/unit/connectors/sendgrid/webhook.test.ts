import { describe, expect, it } from 'vitest';
import { sendgridSigningKeys } from '../../../../connectors/sendgrid/fixtures/sign-webhook.js';
import { sendgrid } from '../../../../connectors/sendgrid/index.js';
import {
  derToRawSignature,
  parseSendgridEvents,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySendgridSignature,
} from '../../../../connectors/sendgrid/webhook.js';

const encoder = new TextEncoder();

const headersOf = (signature: string, timestamp: string) =>
  new Headers({ [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp });

describe('verifySendgridSignature', () => {
  // SendGrid's own test vector (sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js).
  const VENDOR_KEY =
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
  const VENDOR_SIGNATURE =
    'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
  const VENDOR_TIMESTAMP = '1588788367';
  const VENDOR_PAYLOAD = encoder.encode(
    JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }),
  );
  const atVendorTime = { now: new Date(1588788367 * 1000 + 30_000), maxAgeSeconds: 300 };

  it("accepts SendGrid's published signature and refuses it over another body or time", async () => {
    const headers = headersOf(VENDOR_SIGNATURE, VENDOR_TIMESTAMP);
    expect(await verifySendgridSignature(VENDOR_PAYLOAD, headers, VENDOR_KEY, atVendorTime)).toBe(true);
    const pem = `-----BEGIN PUBLIC KEY-----\n${VENDOR_KEY}\n-----END PUBLIC KEY-----\n`;
    expect(await verifySendgridSignature(VENDOR_PAYLOAD, headers, pem, atVendorTime)).toBe(true);
    expect(await verifySendgridSignature(encoder.encode('payload'), headers, VENDOR_KEY, atVendorTime)).toBe(
      false,
    );
    const otherTime = headersOf(VENDOR_SIGNATURE, '1588788368');
    expect(await verifySendgridSignature(VENDOR_PAYLOAD, otherTime, VENDOR_KEY, atVendorTime)).toBe(false);
  });

  it('accepts a body signed with a generated key pair the way SendGrid signs', async () => {
    const { publicKey, sign } = await sendgridSigningKeys();
    const body = encoder.encode('[{"email":"a@example.com","event":"open","timestamp":1714564800}]\r\n');
    const timestamp = '1714564800';
    const options = { now: new Date(1714564800 * 1000), maxAgeSeconds: 600 };
    const signature = await sign(timestamp, body);
    expect(await verifySendgridSignature(body, headersOf(signature, timestamp), publicKey, options)).toBe(
      true,
    );

    const tampered = body.slice();
    tampered[3] = tampered[3]! ^ 1;
    expect(await verifySendgridSignature(tampered, headersOf(signature, timestamp), publicKey, options)).toBe(
      false,
    );
    const other = await sendgridSigningKeys();
    expect(
      await verifySendgridSignature(body, headersOf(signature, timestamp), other.publicKey, options),
    ).toBe(false);
  });

  it('refuses stale or future timestamps unless the age check is off', async () => {
    const { publicKey, sign } = await sendgridSigningKeys();
    const body = encoder.encode('[]');
    const timestamp = '1714564800';
    const headers = headersOf(await sign(timestamp, body), timestamp);
    const late = new Date((1714564800 + 601) * 1000);
    const early = new Date((1714564800 - 601) * 1000);
    expect(await verifySendgridSignature(body, headers, publicKey, { now: late, maxAgeSeconds: 600 })).toBe(
      false,
    );
    expect(await verifySendgridSignature(body, headers, publicKey, { now: early, maxAgeSeconds: 600 })).toBe(
      false,
    );
    expect(await verifySendgridSignature(body, headers, publicKey, { now: late, maxAgeSeconds: 0 })).toBe(
      true,
    );
  });

  it('refuses missing headers and malformed keys or signatures without throwing', async () => {
    const { publicKey } = await sendgridSigningKeys();
    const options = { now: new Date(), maxAgeSeconds: 0 };
    const body = encoder.encode('[]');
    expect(await verifySendgridSignature(body, new Headers(), publicKey, options)).toBe(false);
    expect(await verifySendgridSignature(body, headersOf('bm90LWRlcg==', '1'), publicKey, options)).toBe(
      false,
    );
    expect(await verifySendgridSignature(body, headersOf('%%%', '1'), publicKey, options)).toBe(false);
    expect(await verifySendgridSignature(body, headersOf('MAA=', 'x1'), publicKey, options)).toBe(false);
    expect(await verifySendgridSignature(body, headersOf('MAA=', '1'), 'not a key', options)).toBe(false);
  });

  it('the capability refuses everything when the connection has no verification key', async () => {
    const config = sendgrid.configSchema.parse({ apiKey: 'SG.k' });
    expect(await sendgrid.webhook!.verify(encoder.encode('[]'), headersOf('MAA=', '1'), config)).toBe(false);
  });
});

describe('derToRawSignature', () => {
  it('strips sign bytes and left-pads short integers', () => {
    const der = Uint8Array.of(0x30, 0x26, 0x02, 0x21, 0x00, ...new Array(32).fill(0x80), 0x02, 0x01, 0x05);
    const raw = derToRawSignature(der)!;
    expect(raw.subarray(0, 32).every((b) => b === 0x80)).toBe(true);
    expect([...raw.subarray(32)]).toEqual([...new Array(31).fill(0), 5]);
    expect(derToRawSignature(Uint8Array.of(0x30, 0x00, 0x01))).toBeUndefined();
  });
});

describe('parseSendgridEvents', () => {
  it('maps SendGrid events to inbound events keyed by sg_event_id', () => {
    const body = [
      {
        email: 'Ada@Example.com',
        event: 'delivered',
        timestamp: 1714564800,
        sg_event_id: 'ev1',
        sg_message_id: 'm1',
        response: '250 OK',
      },
      { email: 'ada@example.com', event: 'open', timestamp: 1714564900, sg_event_id: 'ev2', useragent: 'x' },
      {
        email: 'ada@example.com',
        event: 'click',
        timestamp: 1714565000,
        sg_event_id: 'ev3',
        url: 'https://shop.test',
      },
      {
        email: 'b@example.com',
        event: 'bounce',
        timestamp: 1714565000,
        sg_event_id: 'ev4',
        type: 'bounce',
        reason: '550',
      },
      { email: 'b@example.com', event: 'dropped', timestamp: 1714565000, sg_event_id: 'ev5' },
      { email: 'c@example.com', event: 'spamreport', timestamp: 1714565000, sg_event_id: 'ev6' },
      { email: 'c@example.com', event: 'unsubscribe', timestamp: 1714565000, sg_event_id: 'ev7' },
      {
        email: 'c@example.com',
        event: 'group_unsubscribe',
        timestamp: 1714565000,
        sg_event_id: 'ev8',
        asm_group_id: 4,
      },
      { email: 'd@example.com', event: 'processed', timestamp: 1714565000, sg_message_id: 'm9' },
      { event: 'open' },
      'junk',
    ];
    const events = parseSendgridEvents(encoder.encode(JSON.stringify(body)));
    expect(events.map((e) => [e.eventId, e.type, e.email])).toEqual([
      ['ev1', 'email.delivered', 'ada@example.com'],
      ['ev2', 'email.opened', 'ada@example.com'],
      ['ev3', 'email.clicked', 'ada@example.com'],
      ['ev4', 'email.bounced', 'b@example.com'],
      ['ev5', 'email.dropped', 'b@example.com'],
      ['ev6', 'email.spam_reported', 'c@example.com'],
      ['ev7', 'email.unsubscribed', 'c@example.com'],
      ['ev8', 'email.group_unsubscribed', 'c@example.com'],
      ['m9:processed:1714565000', 'email.processed', 'd@example.com'],
    ]);
    expect(events[0]).toMatchObject({
      occurredAt: '2024-05-01T12:00:00.000Z',
      properties: { sendgridEvent: 'delivered', sg_message_id: 'm1', response: '250 OK' },
    });
    expect(events[2]!.properties.url).toBe('https://shop.test');
  });

  it('refuses a body that is not a JSON array', () => {
    expect(() => parseSendgridEvents(encoder.encode('{"event":"open"}'))).toThrow(SyntaxError);
  });
});
