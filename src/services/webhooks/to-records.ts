import type { InboundEvent } from '../../connector-kit/types.js';
import type { IngestRecord } from '../../ingest/types.js';

/** Segment's email-event spec names, so ESP events read like every other source's. */
const EVENT_NAMES: Record<string, string> = {
  'email.delivered': 'Email Delivered',
  'email.opened': 'Email Opened',
  'email.clicked': 'Email Link Clicked',
  'email.bounced': 'Email Bounced',
  // Mailchimp "cleaned": the address hard-bounced and the list dropped it.
  'email.cleaned': 'Email Bounced',
  'email.dropped': 'Email Dropped',
  'email.deferred': 'Email Deferred',
  'email.processed': 'Email Processed',
  'email.spam_reported': 'Email Marked as Spam',
  'email.unsubscribed': 'Unsubscribed',
  'email.subscribed': 'Subscribed',
  'email.group_unsubscribed': 'Group Unsubscribed',
  'email.group_resubscribed': 'Group Resubscribed',
};

/** Profile changes are identify calls (traits, no event name), as Segment models them. */
const IDENTIFY_TYPES = new Set(['profile.updated', 'email.changed']);

/** Mailchimp's default merge tags onto our trait names; other tags keep their name, lowercased. */
const MERGE_TAG_TRAITS: Record<string, string> = {
  FNAME: 'first_name',
  LNAME: 'last_name',
  PHONE: 'phone',
  BIRTHDAY: 'birthday',
  ADDRESS: 'address',
};

/**
 * What stops mail to the address for good. SendGrid `bounce` with type "blocked" is a soft,
 * reputation-side block, not a dead mailbox; `dropped` is SendGrid declining to send to an address
 * it already suppresses, so neither changes consent. A group unsubscribe covers one topic only.
 */
export function unsubscribes(event: InboundEvent): boolean {
  switch (event.type) {
    case 'email.unsubscribed':
    case 'email.spam_reported':
    case 'email.cleaned':
      return true;
    case 'email.bounced':
      return event.properties.type === 'bounce' || event.properties.type === undefined;
    default:
      return false;
  }
}

function consentOf(event: InboundEvent): IngestRecord['consent'] {
  if (unsubscribes(event)) return { email: 'unsubscribed' };
  if (event.type === 'email.subscribed') return { email: 'subscribed' };
  return undefined;
}

function traitsOf(event: InboundEvent): Record<string, unknown> | undefined {
  const merges = event.properties.mergeFields;
  if (typeof merges !== 'object' || merges === null) return undefined;
  const traits: Record<string, unknown> = {};
  for (const [tag, value] of Object.entries(merges as Record<string, unknown>)) {
    // Mailchimp sends every merge field, empty ones as ""; an empty form field is not a value.
    if (value === '' || value === null || value === undefined) continue;
    traits[MERGE_TAG_TRAITS[tag] ?? tag.toLowerCase()] = value;
  }
  return Object.keys(traits).length > 0 ? traits : undefined;
}

function eventName(type: string): string {
  const known = EVENT_NAMES[type];
  if (known) return known;
  // `email.link_unwrapped` → "Email Link Unwrapped"; vendor types (HubSpot's) stay as they are.
  if (!type.startsWith('email.')) return type;
  const words = type.slice('email.'.length).split('_').filter(Boolean);
  return ['Email', ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join(' ');
}

/**
 * One inbound event → one ingest record. The source is `<connector>:<connection>` so trait
 * precedence and event dedupe tell two accounts of the same ESP apart; the vendor's event id is
 * the message id, which ingest stores once per source.
 */
export function toIngestRecord(connectorId: string, connectionId: string, event: InboundEvent): IngestRecord {
  const previousEmail =
    event.type === 'email.changed' && typeof event.properties.oldEmail === 'string'
      ? event.properties.oldEmail
      : undefined;
  // Only addresses identify: HubSpot's record ids are left out, because the namespace the HubSpot
  // source stores them under is its own choice, and an id-only profile would be a stranger anyway.
  const identifiers: IngestRecord['identifiers'] = {
    ...(event.email ? { email: event.email } : {}),
    ...(previousEmail ? { previousEmail } : {}),
  };
  const consent = consentOf(event);
  const traits = traitsOf(event);
  const identify = IDENTIFY_TYPES.has(event.type);
  return {
    source: `${connectorId}:${connectionId}`,
    identifiers,
    ...(traits ? { traits } : {}),
    ...(consent ? { consent } : {}),
    observedAt: new Date(event.occurredAt),
    reference: event.eventId,
    event: {
      messageId: event.eventId,
      type: identify ? 'identify' : 'track',
      name: identify ? null : eventName(event.type),
      properties: { ...event.properties, vendorEventType: event.type },
    },
  };
}
