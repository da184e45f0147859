import { describe, expect, it } from 'vitest';
import {
  derivedMessageId,
  eventTime,
  parseSegmentMessage,
  utf8Length,
} from '../../src/ingest/segment-message.js';

const receivedAt = new Date('2026-05-01T12:00:00.000Z');

describe('eventTime', () => {
  it('is receivedAt when the client gives no time', () => {
    expect(eventTime({}, undefined, receivedAt)).toEqual(receivedAt);
  });

  it('takes the client time as is without sentAt (a historical import)', () => {
    expect(eventTime({ timestamp: '2020-01-01T00:00:00Z' }, undefined, receivedAt)).toEqual(
      new Date('2020-01-01T00:00:00Z'),
    );
  });

  it('corrects device clock skew with sentAt: receivedAt − (sentAt − client time)', () => {
    // The device clock runs 2 h slow; the event was queued 30 s before the send.
    const corrected = eventTime(
      { originalTimestamp: '2026-05-01T09:59:30.000Z' },
      '2026-05-01T10:00:00.000Z',
      receivedAt,
    );
    expect(corrected).toEqual(new Date('2026-05-01T11:59:30.000Z'));
    expect(
      eventTime({ timestamp: '2026-05-01T09:59:30.000Z' }, '2026-05-01T10:00:00.000Z', receivedAt),
    ).toEqual(corrected);
  });

  it('trusts timestamp when Segment already computed it next to originalTimestamp', () => {
    const time = eventTime(
      { timestamp: '2026-04-01T00:00:00.000Z', originalTimestamp: '2026-04-01T03:00:00.000Z' },
      '2026-04-01T03:00:05.000Z',
      receivedAt,
    );
    expect(time).toEqual(new Date('2026-04-01T00:00:00.000Z'));
  });

  it('never dates an event after it was received', () => {
    expect(eventTime({ timestamp: '2026-05-01T10:00:10Z' }, '2026-05-01T10:00:00Z', receivedAt)).toEqual(
      receivedAt,
    );
  });
});

describe('derivedMessageId', () => {
  it('ignores key order and the fields a retry changes', async () => {
    const a = await derivedMessageId({ type: 'track', userId: 'u1', event: 'X', sentAt: '1', writeKey: 'k' });
    const b = await derivedMessageId({
      event: 'X',
      userId: 'u1',
      type: 'track',
      _metadata: { retryCount: 2 },
    });
    expect(a).toBe(b);
    expect(await derivedMessageId({ type: 'track', userId: 'u1', event: 'Y' })).not.toBe(a);
  });
});

describe('parseSegmentMessage', () => {
  it('accepts numeric ids as their decimal text', async () => {
    const parsed = await parseSegmentMessage(
      { type: 'identify', userId: 42, messageId: 7, traits: { phone: '+44 20 7946 0958' } },
      { receivedAt },
    );
    expect(parsed).toMatchObject({
      ok: true,
      messageId: '7',
      record: { source: 'segment', identifiers: { userId: '42', phone: '+44 20 7946 0958' } },
    });
  });

  it('requires previousId and userId on alias, and maps previousId to an anonymous id', async () => {
    const missing = await parseSegmentMessage({ type: 'alias', userId: 'u1' }, { receivedAt });
    expect(missing).toMatchObject({ ok: false, errors: [{ path: 'previousId', message: 'is required' }] });
    const alias = await parseSegmentMessage(
      { type: 'alias', userId: 'u1', previousId: 'a1', messageId: 'm' },
      { receivedAt },
    );
    expect(alias).toMatchObject({ ok: true, record: { identifiers: { userId: 'u1', anonymousId: 'a1' } } });
  });

  it('lets the path type win over the body type', async () => {
    const parsed = await parseSegmentMessage(
      { type: 'identify', userId: 'u1', event: 'Clicked', messageId: 'm' },
      { type: 'track', receivedAt },
    );
    expect(parsed).toMatchObject({ ok: true, record: { event: { type: 'track', name: 'Clicked' } } });
  });
});

describe('utf8Length', () => {
  it('counts bytes as UTF-8 does', () => {
    for (const text of ['plain', 'café', '日本語', 'emoji 🎉 and ü', '']) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
