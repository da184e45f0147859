import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The personalization benchmark's baseline: bare Hono on @hono/node-server (the framework and
 * adapter ESP Hub uses) answering GET /v1/personalize with a fixed body of the same shape and size
 * as one real answer (BENCH_BODY_FILE), and no work behind it. Run by personalize.ts.
 */
const body = readFileSync(process.env.BENCH_BODY_FILE ?? '', 'utf8');
const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/v1/personalize', (c) => {
  c.req.query('email');
  return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
});

const port = Number(process.env.PORT);
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
