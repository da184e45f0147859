import type { Context } from 'hono';

type NodeIncoming = { rawHeaders: readonly string[] };

/**
 * A request-header getter for hot routes. Under @hono/node-server the first `c.req.header()` builds
 * a Fetch `Headers` object from Node's raw headers (a few µs per request), and even Node's own
 * `incoming.headers` is an object Node builds on first read, one property per header. On Node the
 * names are looked up in the raw list instead (rawHeader below); elsewhere (Workers, tests calling
 * `app.request`) it is `c.req.header`. Names are lower case.
 */
export function requestHeaders(c: Context): (name: string) => string | undefined {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (!incoming) return (name) => c.req.header(name);
  return (name) => rawHeader(incoming.rawHeaders, name);
}

/**
 * Headers of which Node's `incoming.headers` keeps the first and discards repeats (Node's
 * documentation of `message.headers`); other repeats are joined with ", ".
 */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/**
 * The value Node's `incoming.headers[name]` would hold (`name` in lower case), read from the raw
 * list (name, value, name, value, …) without building that object: a request carries a handful of
 * headers and a hot route asks for two or three.
 */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const field = raw[i]!;
    // Lower-casing (an allocation when the name has capitals) only for names of the right length.
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    if (value === undefined) value = raw[i + 1]!;
    else if (FIRST_ONLY.has(name)) return value;
    else value = `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
