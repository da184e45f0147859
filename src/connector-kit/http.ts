import type { z } from 'zod';
import { ConnectorError } from './errors.js';
import type { ConnectorContext } from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface RequestOptions {
  ctx: ConnectorContext;
  url: string | URL;
  /** Defaults to GET. */
  method?: string;
  headers?: HeadersInit;
  /** A plain object or array is sent as JSON; strings, bytes, forms and streams go as they are. */
  body?: unknown;
  /** Until the whole JSON body is read (`requestJson`) or until headers arrive (`requestStream`). */
  timeoutMs?: number;
}

export interface RequestJsonOptions<S extends z.ZodType> extends RequestOptions {
  /** Every response is parsed: a mismatch is a `bad_response`, never a half-typed object. */
  schema: S;
}

/**
 * Sends a request and returns the parsed, validated JSON body of a 2xx answer.
 * Failures come back as `ConnectorError` with the code the sync engine branches on; a
 * cancellation through `ctx.signal` is rethrown as the signal's own reason (not retryable work).
 */
export async function requestJson<S extends z.ZodType>(options: RequestJsonOptions<S>): Promise<z.output<S>> {
  const call = startCall(options, 'application/json');
  try {
    const response = await call.send();
    const text = await response.text().catch((error: unknown) => {
      throw call.mapThrown(error);
    });
    return parseBody(options.schema, text, call.label);
  } finally {
    call.clear();
  }
}

/**
 * Like `requestJson` but hands back the 2xx `Response` unread, for bodies too big to buffer
 * (CSV files). The timeout covers the wait for headers only; reading the body is bounded by
 * `ctx.signal`, since a large file may legitimately take longer than any fixed timeout.
 */
export async function requestStream(options: RequestOptions): Promise<Response> {
  const call = startCall(options, '*/*');
  try {
    return await call.send();
  } finally {
    call.clear();
  }
}

interface Call {
  label: string;
  send(): Promise<Response>;
  mapThrown(error: unknown): unknown;
  clear(): void;
}

function startCall(options: RequestOptions, accept: string): Call {
  const { ctx } = options;
  const url = toUrl(options.url);
  const method = (options.method ?? 'GET').toUpperCase();
  // Never the query string: vendors put API keys there.
  const label = `${method} ${url.origin}${url.pathname}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout.signal]) : timeout.signal;

  const mapThrown = (error: unknown): unknown => {
    if (ctx.signal?.aborted) return ctx.signal.reason;
    if (error instanceof ConnectorError) return error;
    if (timeout.signal.aborted) {
      return new ConnectorError('upstream', `${label} timed out after ${timeoutMs} ms`, { cause: error });
    }
    return new ConnectorError('upstream', `${label} failed: ${describeNetworkError(error)}`, {
      cause: error,
    });
  };

  const send = async (): Promise<Response> => {
    const headers = new Headers(options.headers);
    if (!headers.has('accept')) headers.set('accept', accept);
    const body = encodeBody(options.body, headers);
    let response: Response;
    try {
      response = await ctx.fetch(url, { method, headers, body, signal });
    } catch (error) {
      throw mapThrown(error);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    throw errorForStatus(response, text, label, ctx.now());
  };

  return { label, send, mapThrown, clear: () => clearTimeout(timer) };
}

function toUrl(value: string | URL): URL {
  try {
    return new URL(value);
  } catch (error) {
    // URLs come from config; an unparseable one is the admin's to fix, not a reason to retry.
    throw new ConnectorError('invalid_config', 'the URL is not valid', { cause: error, field: 'url' });
  }
}

function encodeBody(body: unknown, headers: Headers): BodyInit | undefined {
  if (body === undefined || body === null) return undefined;
  if (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof Blob ||
    body instanceof ReadableStream
  ) {
    return body as BodyInit;
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(body);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Maps a non-2xx answer to the error taxonomy. Exported for connectors that use a vendor SDK. */
export function errorForStatus(
  response: Response,
  bodyText: string,
  label: string,
  now: Date,
): ConnectorError {
  const { status } = response;
  const vendorMessage = extractVendorMessage(bodyText);
  const message = `${label} answered ${status}${vendorMessage ? `: ${vendorMessage}` : ''}`;
  const retryAfterMs = retryAfterFromHeaders(response.headers, now);
  if (status === 401 || status === 403) return new ConnectorError('auth', message, { status });
  if (status === 429) return new ConnectorError('rate_limited', message, { status, retryAfterMs });
  // 408 is the vendor saying it gave up waiting: the same request may well succeed later.
  if (status >= 500 || status === 408) {
    return new ConnectorError('upstream', message, { status, retryAfterMs, retryable: true });
  }
  return new ConnectorError('rejected', message, { status });
}

const MAX_VENDOR_MESSAGE = 300;

/** Best effort at the human part of a vendor error body; shapes differ per vendor. */
export function extractVendorMessage(bodyText: string): string | undefined {
  const trimmed = bodyText.trim();
  if (trimmed === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    // HTML error pages are noise, plain text is usually the message.
    return trimmed.startsWith('<') ? undefined : truncate(trimmed);
  }
  const found = findMessage(parsed, 0);
  return found === undefined ? undefined : truncate(found);
}

const MESSAGE_KEYS = ['message', 'error_description', 'detail', 'title', 'error', 'errors', 'msg'] as const;

function findMessage(value: unknown, depth: number): string | undefined {
  if (depth > 3 || value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) return findMessage(value[0], depth + 1);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of MESSAGE_KEYS) {
      const found = findMessage(record[key], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > MAX_VENDOR_MESSAGE ? `${text.slice(0, MAX_VENDOR_MESSAGE)}…` : text;
}

function parseBody<S extends z.ZodType>(schema: S, text: string, label: string): z.output<S> {
  let json: unknown;
  if (text.trim() === '') {
    json = undefined;
  } else {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConnectorError('bad_response', `${label} answered with a body that is not JSON`, {
        cause: error,
      });
    }
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  // Paths and messages only: values may be personal data.
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ConnectorError('bad_response', `${label} answered with an unexpected shape: ${issues}`, {
    field: result.error.issues[0]?.path.join('.') || undefined,
  });
}

/**
 * `Retry-After` as milliseconds from `now`: either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * A date in the past gives 0; anything unparseable gives undefined.
 */
export function parseRetryAfter(headerValue: string | null | undefined, now: Date): number | undefined {
  if (headerValue === null || headerValue === undefined) return undefined;
  const value = headerValue.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // HTTP-dates always name a weekday or month; a bare number that failed the test above is junk.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * `X-RateLimit-Reset`-style values: vendors send either seconds until reset or the reset moment as
 * epoch seconds (or, rarely, epoch milliseconds). Values past 1e9 cannot be a sane delay, so they
 * are read as epochs.
 */
export function parseRateLimitReset(headerValue: string | null | undefined, now: Date): number | undefined {
  if (headerValue === null || headerValue === undefined) return undefined;
  const value = headerValue.trim();
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  if (n >= 1e12) return Math.max(0, Math.round(n - now.getTime()));
  if (n >= 1e9) return Math.max(0, Math.round(n * 1000 - now.getTime()));
  return Math.round(n * 1000);
}

const RESET_HEADERS = ['x-ratelimit-reset', 'ratelimit-reset', 'x-rate-limit-reset'] as const;

/** The wait the vendor asked for, from the standard header first, then the common reset headers. */
export function retryAfterFromHeaders(headers: Headers, now: Date): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  for (const name of RESET_HEADERS) {
    const reset = parseRateLimitReset(headers.get(name), now);
    if (reset !== undefined) return reset;
  }
  return undefined;
}
