import type { InboundEvent } from '../../src/connector-kit/index.js';
import type { SendgridConfig } from './config.js';

/**
 * SendGrid's Signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp header followed by the
 * raw body, signature in base64 DER. Web Crypto only, so the same code runs on Node and Workers.
 */
export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export interface VerifyOptions {
  now: Date;
  /** 0 turns the age check off. */
  maxAgeSeconds: number;
}

export async function verifySendgridSignature(
  rawBody: Uint8Array,
  headers: Headers,
  publicKey: string,
  options: VerifyOptions,
): Promise<boolean> {
  const signature = headers.get(SIGNATURE_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (options.maxAgeSeconds > 0) {
    const skew = Math.abs(options.now.getTime() / 1000 - Number(timestamp));
    if (skew > options.maxAgeSeconds) return false;
  }
  try {
    const key = await importPublicKey(publicKey);
    const rawSignature = derToRawSignature(base64ToBytes(signature));
    if (!rawSignature) return false;
    const prefix = new TextEncoder().encode(timestamp);
    const signed = new Uint8Array(prefix.byteLength + rawBody.byteLength);
    signed.set(prefix, 0);
    signed.set(rawBody, prefix.byteLength);
    return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, rawSignature, signed);
  } catch {
    // A malformed key or signature is a failed verification, not a server error.
    return false;
  }
}

/** Verification against the connection's key; without a key nothing is accepted. */
export async function verifySendgridWebhook(
  rawBody: Uint8Array,
  headers: Headers,
  config: SendgridConfig,
): Promise<boolean> {
  if (!config.webhookPublicKey) return false;
  // The capability has no ctx, hence the wall clock here; the pure function above takes `now`.
  return verifySendgridSignature(rawBody, headers, config.webhookPublicKey, {
    now: new Date(),
    maxAgeSeconds: config.webhookMaxAgeSeconds,
  });
}

// Imported keys are reused: connections are few, and an import costs more than the verify.
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_LIMIT = 100;

function importPublicKey(publicKey: string): Promise<CryptoKey> {
  const cached = keyCache.get(publicKey);
  if (cached) return cached;
  const der = base64ToBytes(publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, ''));
  const imported = crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ]);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(publicKey, imported);
  imported.catch(() => keyCache.delete(publicKey));
  return imported;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * DER `SEQUENCE { INTEGER r, INTEGER s }` → the 64-byte r‖s Web Crypto expects. Integers carry a
 * leading zero when their top bit is set and may be shorter than 32 bytes; both are normalised.
 */
export function derToRawSignature(der: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  let at = 0;
  if (der[at++] !== 0x30) return undefined;
  const seqLength = der[at++];
  if (seqLength === undefined || seqLength & 0x80 || at + seqLength !== der.length) return undefined;
  const raw = new Uint8Array(64);
  for (const offset of [0, 32]) {
    if (der[at++] !== 0x02) return undefined;
    const length = der[at++];
    if (length === undefined || length === 0 || length > 33 || at + length > der.length) return undefined;
    let value = der.subarray(at, at + length);
    at += length;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) return undefined;
    raw.set(value, offset + 32 - value.length);
  }
  return at === der.length ? raw : undefined;
}

/** SendGrid event names → ours; names not listed pass through unchanged (processed, deferred…). */
const EVENT_TYPES: Record<string, string> = {
  delivered: 'email.delivered',
  open: 'email.opened',
  click: 'email.clicked',
  bounce: 'email.bounced',
  dropped: 'email.dropped',
  spamreport: 'email.spam_reported',
  unsubscribe: 'email.unsubscribed',
  group_unsubscribe: 'email.group_unsubscribed',
  group_resubscribe: 'email.group_resubscribed',
  deferred: 'email.deferred',
  processed: 'email.processed',
};

const LIFTED = new Set(['email', 'event', 'timestamp', 'sg_event_id']);

/**
 * The body is a JSON array of events. Items that are not objects or lack an event name or a
 * timestamp are dropped: they are not events we can store. `sg_event_id` is the dedup key; events
 * without one (legacy accounts) get an id derived from message id, event and time.
 */
export function parseSendgridEvents(rawBody: Uint8Array): InboundEvent[] {
  const parsed: unknown = JSON.parse(new TextDecoder().decode(rawBody));
  if (!Array.isArray(parsed)) throw new SyntaxError('a SendGrid event webhook body is a JSON array');
  const events: InboundEvent[] = [];
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const raw = item as Record<string, unknown>;
    const name = raw.event;
    const seconds = raw.timestamp;
    if (typeof name !== 'string' || name === '' || !isEpochSeconds(seconds)) continue;
    const eventId =
      typeof raw.sg_event_id === 'string' && raw.sg_event_id !== ''
        ? raw.sg_event_id
        : `${String(raw.sg_message_id ?? 'unknown')}:${name}:${seconds}`;
    const properties: Record<string, unknown> = { sendgridEvent: name };
    for (const [key, value] of Object.entries(raw)) if (!LIFTED.has(key)) properties[key] = value;
    events.push({
      eventId,
      type: Object.hasOwn(EVENT_TYPES, name) ? EVENT_TYPES[name]! : `email.${name}`,
      ...(typeof raw.email === 'string' ? { email: raw.email.toLowerCase() } : {}),
      occurredAt: new Date(seconds * 1000).toISOString(),
      properties,
    });
  }
  return events;
}

/** Whole seconds a Date can hold; SendGrid sends Unix seconds. */
function isEpochSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e11;
}
