import { ConnectorError, type InboundEvent } from '../../src/connector-kit/index.js';
import type { MailchimpConfig } from './config.js';
import { md5Hex } from './md5.js';

/**
 * Mailchimp signs nothing: the webhook URL carries a per-connection secret (`?secret=…`). The
 * contract's `verify` sees headers, not the URL, so the host passes the URL it received the
 * request on in this header, always overwriting any value the caller sent.
 */
export const REQUEST_URL_HEADER = 'x-esp-hub-request-url';

/** Constant-time over the longer input, so timing reveals neither content nor a matching prefix. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export async function verifyMailchimpWebhook(
  _rawBody: Uint8Array,
  headers: Headers,
  config: MailchimpConfig,
): Promise<boolean> {
  if (config.webhookSecret === undefined) return false;
  const url = headers.get(REQUEST_URL_HEADER);
  if (url === null) return false;
  let given: string | null;
  try {
    given = new URL(url).searchParams.get('secret');
  } catch {
    return false;
  }
  if (given === null) return false;
  const encoder = new TextEncoder();
  return sameBytes(encoder.encode(given), encoder.encode(config.webhookSecret));
}

/** Mailchimp's webhook types onto ours; others (campaign sends) carry nothing about a person. */
const EVENT_TYPES: Record<string, string> = {
  subscribe: 'email.subscribed',
  unsubscribe: 'email.unsubscribed',
  cleaned: 'email.cleaned',
  profile: 'profile.updated',
  upemail: 'email.changed',
};

/** "2009-03-26 21:35:57", in UTC, as Mailchimp sends it. */
function occurredAt(firedAt: string | null): string {
  const match = firedAt && /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(firedAt.trim());
  const at = match ? new Date(`${match[1]}T${match[2]}Z`) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    throw new ConnectorError('rejected', 'the Mailchimp webhook has no valid fired_at', {
      field: 'fired_at',
    });
  }
  return at.toISOString();
}

/** `data[merges][FNAME]=Ann` → { FNAME: 'Ann' }. */
function merges(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    const match = /^data\[merges\]\[([^\]]+)\]$/.exec(name);
    if (match?.[1] !== undefined) out[match[1]] = value;
  }
  return out;
}

/**
 * Form-encoded Mailchimp webhook → at most one event. Mailchimp sends no event id, so the id is
 * the MD5 of the sorted parameters: a redelivery of the same notification deduplicates, while
 * two different changes in the same second (same type, time and address) stay apart.
 */
export function parseMailchimpWebhook(rawBody: Uint8Array): InboundEvent[] {
  const params = new URLSearchParams(new TextDecoder().decode(rawBody));
  const vendorType = params.get('type') ?? '';
  const type = EVENT_TYPES[vendorType];
  if (type === undefined) return [];
  const data = (key: string) => params.get(`data[${key}]`) ?? undefined;
  const canonical = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const eventId = `mailchimp:${vendorType}:${md5Hex(new URLSearchParams(canonical).toString())}`;
  const email = vendorType === 'upemail' ? data('new_email') : data('email');
  const properties: Record<string, unknown> = { vendorType, listId: data('list_id') };
  if (vendorType === 'subscribe') properties.consent = { email: 'subscribed' };
  if (vendorType === 'unsubscribe' || vendorType === 'cleaned') {
    properties.consent = { email: 'unsubscribed' };
    properties.reason = data('reason');
    if (vendorType === 'unsubscribe') properties.action = data('action');
  }
  if (vendorType === 'subscribe' || vendorType === 'profile' || vendorType === 'unsubscribe') {
    const fields = merges(params);
    if (Object.keys(fields).length > 0) properties.mergeFields = fields;
  }
  if (vendorType === 'upemail') {
    properties.oldEmail = data('old_email');
    properties.newEmail = data('new_email');
  }
  return [
    {
      eventId,
      type,
      ...(email === undefined ? {} : { email }),
      occurredAt: occurredAt(params.get('fired_at')),
      properties: Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)),
    },
  ];
}
