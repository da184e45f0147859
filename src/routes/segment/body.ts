import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../../app-deps.js';
import { requirePermission } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';

/** Segment's tracking-API limit for one request, applied to the decompressed body too. */
export const MAX_BATCH_BYTES = 500 * 1024;

export interface Payload {
  /** The body as text (decompressed), for size checks. */
  text: string;
  json: unknown;
}

const payloads = new WeakMap<object, Promise<Payload>>();

/** Over 500 KB on the wire → 413 before anything is read into memory past the limit. */
export const batchBodyLimit = bodyLimit({
  maxSize: MAX_BATCH_BYTES,
  onError: () => {
    throw new AppError('payload_too_large', `request body is larger than ${MAX_BATCH_BYTES / 1024} KB`);
  },
});

/**
 * The parsed body, read once per request. Any content type is accepted: analytics.js posts JSON
 * as `text/plain` so browsers skip the CORS preflight. `Content-Encoding: gzip` (or deflate) is
 * decompressed, with the same 500 KB cap on the result so a small compressed body cannot expand
 * without bound.
 */
export function readPayload(c: Context<AppEnv>): Promise<Payload> {
  let payload = payloads.get(c.req);
  if (!payload) {
    payload = readText(c).then((text) => {
      try {
        return { text, json: JSON.parse(text) as unknown };
      } catch {
        throw new AppError('bad_request', 'request body is not valid JSON');
      }
    });
    payloads.set(c.req, payload);
  }
  return payload;
}

async function readText(c: Context<AppEnv>): Promise<string> {
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
  if (!encoding || encoding === 'identity') return c.req.text();
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new AppError(
      'bad_request',
      `unsupported Content-Encoding '${encoding}' (use gzip, deflate or none)`,
    );
  }
  const body = c.req.raw.body;
  if (!body) return '';
  const reader = body.pipeThrough(new DecompressionStream(encoding)).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BATCH_BYTES) {
        await reader.cancel();
        throw new AppError(
          'payload_too_large',
          `decompressed request body is larger than ${MAX_BATCH_BYTES / 1024} KB`,
        );
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('bad_request', `request body is not valid ${encoding} data`);
  }
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

const authorize = requirePermission('ingest:write');

/**
 * `ingest:write`, from the usual headers (Basic with the key as user name, as analytics-node
 * sends it; Bearer; X-Api-Key) or, when there is none, from the body's `writeKey`, which is how
 * analytics.js authenticates (a browser beacon cannot set headers without a preflight). The key
 * from the body is handed to the one auth middleware as a Basic header, so both paths share its
 * checks, cache and errors.
 */
export const segmentAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.header('authorization') && !c.req.header('x-api-key')) {
    const writeKey = await readPayload(c).then(
      ({ json }) =>
        typeof json === 'object' && json !== null && 'writeKey' in json ? json.writeKey : undefined,
      // An unreadable body without credentials is a 401, not a 400: say who may call first.
      () => undefined,
    );
    // btoa takes Latin-1 only; a key with other characters cannot be ours anyway (401 below).
    if (typeof writeKey === 'string' && /^[\x21-\x7e]+$/.test(writeKey)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('authorization', `Basic ${btoa(`${writeKey}:`)}`);
      // The body is already read and kept in `payloads`; the replacement request needs none.
      c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers });
    }
  }
  return authorize(c, next);
};
