import { z } from 'zod';
import { ConnectorError, type InboundEvent } from '../../src/connector-kit/index.js';
import type { HubspotConfig } from './config.js';

/**
 * The v3 signature covers the full request URL, which a handler behind routing and proxies cannot
 * reconstruct reliably. The host route passes the URL HubSpot called (as configured in the app's
 * webhook settings, scheme and host included) in this header, and the method in the next one
 * (default POST, the only method HubSpot webhooks use).
 */
export const REQUEST_URL_HEADER = 'x-esp-hub-url';
export const REQUEST_METHOD_HEADER = 'x-esp-hub-method';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot's documented replay window. */
export const MAX_AGE_MS = 5 * 60 * 1000;

// HubSpot signs the URI with these characters decoded (its documented list); nothing else is.
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function signedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODED[match.toUpperCase()]!);
}

const encoder = new TextEncoder();

export async function signV3(
  clientSecret: string,
  method: string,
  url: string,
  rawBody: Uint8Array,
  timestamp: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(clientSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const head = encoder.encode(`${method.toUpperCase()}${signedUri(url)}`);
  const tail = encoder.encode(timestamp);
  // The body is signed as the bytes received: decoding and re-encoding could change them.
  const message = new Uint8Array(head.length + rawBody.length + tail.length);
  message.set(head, 0);
  message.set(rawBody, head.length);
  message.set(tail, head.length + rawBody.length);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  return btoa(String.fromCharCode(...mac));
}

/** Constant-time over the longer input, so the compare leaks neither content nor where it differs. */
function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export async function verifyHubspotWebhook(
  rawBody: Uint8Array,
  headers: Headers,
  config: HubspotConfig,
  now: Date = new Date(),
): Promise<boolean> {
  const signature = headers.get(SIGNATURE_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  const url = headers.get(REQUEST_URL_HEADER);
  if (!config.clientSecret || !signature || !timestamp || !url || !/^\d{1,16}$/.test(timestamp)) return false;
  // Future timestamps beyond the window are as suspect as stale ones.
  if (Math.abs(now.getTime() - Number(timestamp)) > MAX_AGE_MS) return false;
  const method = headers.get(REQUEST_METHOD_HEADER) ?? 'POST';
  const expected = await signV3(config.clientSecret, method, url, rawBody, timestamp);
  return timingSafeEqual(expected, signature);
}

const eventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]),
  subscriptionType: z.string().min(1),
  occurredAt: z.number(),
  objectId: z.union([z.number(), z.string()]).optional(),
  portalId: z.union([z.number(), z.string()]).optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
});

/** HubSpot posts a JSON array of subscription events, up to 100 per request. */
export function parseHubspotWebhook(rawBody: Uint8Array): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(rawBody));
  } catch (error) {
    throw new ConnectorError('rejected', 'the HubSpot webhook body is not JSON', { cause: error });
  }
  const parsed = z.array(eventSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConnectorError(
      'rejected',
      `the HubSpot webhook body is not a list of events (${issue?.path.join('.')})`,
    );
  }
  return parsed.data.map((event) => {
    const { eventId, subscriptionType, occurredAt, ...rest } = event;
    const properties: Record<string, unknown> = { ...rest };
    if (rest.objectId !== undefined) properties.objectId = String(rest.objectId);
    return {
      eventId: String(eventId),
      type: subscriptionType,
      occurredAt: new Date(occurredAt).toISOString(),
      ...(rest.propertyName === 'email' && rest.propertyValue ? { email: rest.propertyValue } : {}),
      properties,
    };
  });
}
