import { z } from 'zod';
import type { AppDeps } from '../../app-deps.js';
import { AppError, type FieldIssue } from '../../http/errors.js';
import {
  type BatchDefaults,
  MAX_MESSAGE_BYTES,
  type ParsedSegmentMessage,
  parseSegmentMessage,
  requiredMessage,
  type SegmentType,
  utf8Length,
} from '../../ingest/segment-message.js';
import type { IngestRecord, IngestResult } from '../../ingest/types.js';
import type { Payload } from './body.js';
import type { Ticket } from './group-commit.js';

export type MessageResult =
  | { index: number; status: 'stored'; messageId: string; profileId: string }
  | { index: number; status: 'duplicate'; messageId: string }
  | { index: number; status: 'rejected'; messageId?: string; reason: string; errors?: FieldIssue[] };

const TOO_LARGE = `message larger than ${MAX_MESSAGE_BYTES / 1024} KB`;

const batchBody = z.looseObject({
  batch: z.array(z.unknown()),
  sentAt: z
    .string()
    .refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO-8601 date-time')
    .nullish(),
  context: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * `/v1/batch`: each message is validated on its own; the malformed ones come back rejected with
 * their reason and the rest are stored together, in one atomic write (shared with concurrent
 * requests: group-commit.ts).
 */
export async function ingestBatch(deps: AppDeps, payload: Payload, place: Ticket): Promise<MessageResult[]> {
  const parsed = batchBody.safeParse(payload.json, { error: requiredMessage });
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      'request validation failed',
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(body)',
        message: issue.message,
      })),
    );
  }
  const { batch, sentAt, context } = parsed.data;
  const defaults: BatchDefaults = { sentAt, context };
  const receivedAt = deps.now();
  // No message can pass 32 KB when the whole body does not: skip re-serializing in the common case.
  const mayBeTooLarge = utf8Length(payload.text) > MAX_MESSAGE_BYTES;
  const messages = await Promise.all(
    batch.map((raw): ParsedSegmentMessage | Promise<ParsedSegmentMessage> =>
      mayBeTooLarge && tooLarge(raw)
        ? { ok: false, ...idOf(raw), reason: TOO_LARGE, errors: [{ path: '(message)', message: TOO_LARGE }] }
        : parseSegmentMessage(raw, { receivedAt, batch: defaults }),
    ),
  );
  return store(place, messages);
}

/**
 * `/v1/track` and the other single calls: a malformed, oversized or unusable message is an error
 * for the whole request (400 with paths, or 413), as there is nothing else in it to store.
 */
export async function ingestOne(
  deps: AppDeps,
  type: SegmentType,
  payload: Payload,
  place: Ticket,
): Promise<MessageResult> {
  if (utf8Length(payload.text) > MAX_MESSAGE_BYTES && tooLarge(payload.json)) {
    throw new AppError('payload_too_large', TOO_LARGE);
  }
  const message = await parseSegmentMessage(payload.json, { type, receivedAt: deps.now() });
  if (!message.ok) throw new AppError('validation_failed', 'request validation failed', message.errors);
  const [result] = await store(place, [message]);
  if (result!.status === 'rejected') {
    throw new AppError('validation_failed', result!.reason, [
      { path: '(identifiers)', message: result!.reason },
    ]);
  }
  return result!;
}

/** Through the request's place in the group commit (group-commit.ts). */
async function store(place: Ticket, messages: ParsedSegmentMessage[]): Promise<MessageResult[]> {
  const records: IngestRecord[] = [];
  for (const message of messages) if (message.ok) records.push(message.record);
  const ingested = await place.ingest(records);
  let next = 0;
  return messages.map((message, index) =>
    message.ok
      ? fromIngest(index, message.messageId, ingested[next++]!)
      : {
          index,
          status: 'rejected',
          ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
          reason: message.reason,
          errors: message.errors,
        },
  );
}

function fromIngest(index: number, messageId: string, result: IngestResult): MessageResult {
  switch (result.status) {
    case 'stored':
      return { index, status: 'stored', messageId, profileId: result.profileId };
    case 'duplicate':
      return { index, status: 'duplicate', messageId };
    case 'unresolved':
      return { index, status: 'rejected', messageId, reason: result.reason };
  }
}

function tooLarge(raw: unknown): boolean {
  return utf8Length(JSON.stringify(raw) ?? '') > MAX_MESSAGE_BYTES;
}

function idOf(raw: unknown): { messageId?: string } {
  const id = typeof raw === 'object' && raw !== null ? (raw as { messageId?: unknown }).messageId : undefined;
  return typeof id === 'string' || typeof id === 'number' ? { messageId: String(id) } : {};
}
