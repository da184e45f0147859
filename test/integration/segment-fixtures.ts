import { eq } from 'drizzle-orm';
import { events } from '../../src/db/schema/index.js';
import type { TestApp } from '../helpers/test-app.js';

/** `Authorization` the way Segment libraries send a write key: Basic, key as user, no password. */
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** POSTs a raw body (string or bytes) to the app with the given headers. */
export function post(
  t: TestApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const raw = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return Promise.resolve(
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw as BodyInit,
    }),
  );
}

/** POSTs with an ingest key as HTTP Basic, the common case. */
export function send(t: TestApp, key: string, path: string, body: unknown): Promise<Response> {
  return post(t, path, body, { authorization: basic(key) });
}

export async function storedEvent(t: TestApp, messageId: string) {
  const rows = await t.deps.db.select().from(events).where(eq(events.messageId, messageId));
  return rows;
}

let seq = 0;
/** A unique messageId per call, so tests never collide. */
export const mid = (label = 'm') => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
