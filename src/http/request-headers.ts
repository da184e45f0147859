import type { Context } from 'hono';

type NodeIncoming = { headers: Record<string, string | string[] | undefined> };

/**
 * A request-header getter for hot routes. Under @hono/node-server the first `c.req.header()` builds
 * a Fetch `Headers` object from Node's raw headers (a few µs per request); Node's own parsed
 * headers are already there, so on Node they are read directly. Elsewhere (Workers, tests calling
 * `app.request`) it is `c.req.header`. Names are lower case.
 */
export function requestHeaders(c: Context): (name: string) => string | undefined {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (!incoming) return (name) => c.req.header(name);
  return (name) => {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}
