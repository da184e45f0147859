import { z } from 'zod';
import type { IdentifierInput } from '../identity/normalize.js';
import type { IngestRecord } from './types.js';

/**
 * Segment-spec messages (https://segment.com/docs/connections/spec/) → IngestRecord. Pure apart
 * from hashing: validation, identifiers, event time, and what is kept of the envelope.
 */

export const SEGMENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export const SEGMENT_SOURCE = 'segment';
/** Segment's own tracking-API limit per message; larger ones are rejected, not truncated. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
const MAX_ID_LENGTH = 256;

export interface MessageIssue {
  path: string;
  message: string;
}

export type ParsedSegmentMessage =
  | { ok: true; messageId: string; record: IngestRecord }
  | { ok: false; messageId?: string; reason: string; errors: MessageIssue[] };

const isoTime = z
  .string()
  .refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO-8601 date-time');
/**
 * SQLite hands text back cut at a U+0000, so an id holding one would never match itself again
 * (the dedupe lookup misses, the insert then conflicts): such messages are rejected, not altered.
 */
const NUL_FREE = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain U+0000';
const name = z.string().refine(NUL_FREE, NUL_MESSAGE);
// Libraries coerce ids to strings, but the HTTP API sees numeric user ids from hand-written callers.
const id = z.union([name.max(MAX_ID_LENGTH), z.number()]);
// Checked, not copied: properties and context pass through as received, and zod's record parse
// would rebuild every one of them (measurably, at thousands of events a second).
const dictionary = z
  .custom<Record<string, unknown>>(isDictionary, 'must be an object')
  .meta({ type: 'object', additionalProperties: true });

/** Fields every call may carry. Loose: unknown top-level fields are kept (see `envelopeExtras`). */
const common = {
  messageId: id.optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  context: dictionary.nullish(),
  integrations: z.unknown().optional(),
  timestamp: isoTime.nullish(),
  originalTimestamp: isoTime.nullish(),
  sentAt: isoTime.nullish(),
};

export const segmentSchemas = {
  identify: z.looseObject({ ...common, traits: dictionary.nullish() }),
  track: z.looseObject({
    ...common,
    // Not trimmed: names are stored as sent.
    event: name.refine((value) => value.trim() !== '', 'must not be empty'),
    properties: dictionary.nullish(),
  }),
  page: z.looseObject({
    ...common,
    name: name.nullish(),
    category: z.string().nullish(),
    properties: dictionary.nullish(),
  }),
  screen: z.looseObject({ ...common, name: name.nullish(), properties: dictionary.nullish() }),
  group: z.looseObject({ ...common, groupId: id, traits: dictionary.nullish() }),
  alias: z.looseObject({ ...common, previousId: id, userId: id }),
} as const;

type Message = z.output<(typeof segmentSchemas)[SegmentType]>;

/** What a `/v1/batch` body may say for all its messages. */
export interface BatchDefaults {
  sentAt?: string | null;
  context?: Record<string, unknown> | null;
}

/** Top-level fields that are mapped onto the record; everything else is kept in `context._segment`. */
const MAPPED_FIELDS = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'context',
  'traits',
  'properties',
  'event',
  'name',
  'groupId',
  'previousId',
  // Routing hints for Segment's destinations, meaningless here.
  'integrations',
  // A credential: never stored.
  'writeKey',
]);

/**
 * Validates one message and maps it to an IngestRecord. `type` comes from the path for the
 * single-call routes (it wins over the body's), from each message's `type` in a batch.
 */
export async function parseSegmentMessage(
  raw: unknown,
  options: { type?: SegmentType; receivedAt: Date; batch?: BatchDefaults },
): Promise<ParsedSegmentMessage> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return rejected(undefined, [{ path: '(message)', message: 'must be a JSON object' }]);
  }
  const body = raw as Record<string, unknown>;
  const givenId =
    typeof body.messageId === 'string' || typeof body.messageId === 'number'
      ? String(body.messageId)
      : undefined;
  const type = options.type ?? body.type;
  if (!isSegmentType(type)) {
    return rejected(givenId, [{ path: 'type', message: `must be one of ${SEGMENT_TYPES.join(', ')}` }]);
  }
  const parsed = segmentSchemas[type].safeParse(body, { error: requiredMessage });
  if (!parsed.success) {
    return rejected(
      givenId,
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(message)',
        message: issue.message,
      })),
    );
  }
  const message = parsed.data;
  const userId = text(message.userId);
  const anonymousId = text(message.anonymousId);
  if (type !== 'alias' && userId === undefined && anonymousId === undefined) {
    return rejected(givenId, [{ path: 'userId', message: 'userId or anonymousId is required' }]);
  }
  const messageId = text(message.messageId) ?? (await derivedMessageId(body));
  const record = toRecord(type, message, messageId, options);
  for (const field of ['email', 'phone'] as const) {
    if (record.identifiers[field]?.includes('\u0000'))
      return rejected(givenId, [{ path: `traits.${field}`, message: NUL_MESSAGE }]);
  }
  return { ok: true, messageId, record };
}

function toRecord(
  type: SegmentType,
  message: Message,
  messageId: string,
  options: { receivedAt: Date; batch?: BatchDefaults },
): IngestRecord {
  const context: Record<string, unknown> = { ...options.batch?.context, ...message.context };
  const contextTraits = isDictionary(context.traits) ? context.traits : {};
  const m = message as Record<string, unknown>;
  // Top-level traits describe the person only on identify; on group they describe the group.
  const personTraits = type === 'identify' && isDictionary(m.traits) ? m.traits : undefined;
  const identifiers: IdentifierInput = {
    userId: text(message.userId),
    anonymousId: type === 'alias' ? text(m.previousId) : text(message.anonymousId),
    email: text(personTraits?.email) ?? text(contextTraits.email),
    phone: text(personTraits?.phone) ?? text(contextTraits.phone),
  };
  const extras = envelopeExtras(m);
  const sentAt = message.sentAt ?? options.batch?.sentAt ?? undefined;
  if (options.batch?.sentAt && !message.sentAt) extras.sentAt = options.batch.sentAt;
  if (Object.keys(extras).length > 0) context._segment = extras;

  return {
    source: SEGMENT_SOURCE,
    identifiers,
    ...(personTraits ? { traits: personTraits } : {}),
    observedAt: eventTime(message, sentAt, options.receivedAt),
    reference: messageId,
    event: {
      messageId,
      type,
      name: eventName(type, m),
      properties: eventProperties(type, m),
      ...(Object.keys(context).length > 0 ? { context } : {}),
    },
  };
}

function eventName(type: SegmentType, m: Record<string, unknown>): string | null {
  if (type === 'track') return m.event as string;
  if (type === 'page' || type === 'screen') return text(m.name) ?? null;
  return null;
}

function eventProperties(type: SegmentType, m: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'identify':
      return isDictionary(m.traits) ? m.traits : {};
    case 'group':
      // Group traits describe the group (company, plan); the group id rides along so it is queryable.
      return { ...(isDictionary(m.traits) ? m.traits : {}), groupId: String(m.groupId) };
    case 'alias':
      return { previousId: String(m.previousId) };
    default:
      return isDictionary(m.properties) ? m.properties : {};
  }
}

/** Unmapped top-level fields (timestamps as sent, version, channel, _metadata, custom ones). */
function envelopeExtras(m: Record<string, unknown>): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const key in m) {
    if (!MAPPED_FIELDS.has(key) && m[key] !== undefined) extras[key] = m[key];
  }
  return extras;
}

/**
 * When the event happened, on our clock. The client's own time (`timestamp`, or
 * `originalTimestamp`) is corrected for device clock skew the way Segment does it,
 * `receivedAt − (sentAt − clientTime)`, whenever the client says when it sent the message: the
 * delay between the call and the send is kept, the device's clock error is not. Without `sentAt`
 * (a hand-written historical import) the given time is used as is. A message carrying both
 * `timestamp` and `originalTimestamp` was already corrected by Segment (a replayed archive):
 * its `timestamp` is trusted.
 */
export function eventTime(
  message: { timestamp?: string | null; originalTimestamp?: string | null },
  sentAt: string | undefined,
  receivedAt: Date,
): Date {
  if (message.timestamp && message.originalTimestamp) return new Date(message.timestamp);
  const client = message.timestamp ?? message.originalTimestamp;
  if (!client) return receivedAt;
  const clientMs = Date.parse(client);
  const sentMs = sentAt ? Date.parse(sentAt) : Number.NaN;
  if (!Number.isFinite(sentMs)) return new Date(clientMs);
  // A send stamped before the call means the device clock moved in between; never date into the future.
  return new Date(Math.min(receivedAt.getTime() - (sentMs - clientMs), receivedAt.getTime()));
}

/**
 * Segment libraries always send a messageId. A hand-written caller may not: the id is then a hash
 * of the message without the fields a retry changes (sentAt, receivedAt, _metadata, writeKey), so a
 * retried delivery still dedupes. Two identical calls without messageId or timestamp are one event.
 */
export async function derivedMessageId(message: Record<string, unknown>): Promise<string> {
  const { sentAt: _s, receivedAt: _r, _metadata: _m, writeKey: _w, ...stable } = message;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(stable)));
  let hex = '';
  for (const byte of new Uint8Array(digest).subarray(0, 16)) hex += byte.toString(16).padStart(2, '0');
  return `derived-${hex}`;
}

/** JSON with object keys sorted, so the same message hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isDictionary(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** zod's default for a missing field reads "expected string, received undefined". */
export const requiredMessage = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : undefined;

function rejected(messageId: string | undefined, errors: MessageIssue[]): ParsedSegmentMessage {
  const reason = errors.map((error) => `${error.path}: ${error.message}`).join('; ');
  return { ok: false, ...(messageId === undefined ? {} : { messageId }), reason, errors };
}

function isSegmentType(value: unknown): value is SegmentType {
  return typeof value === 'string' && (SEGMENT_TYPES as readonly string[]).includes(value);
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** UTF-8 length of a string without encoding it (the 32 KB check runs on every batched message). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
