import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline for `npm run bench`: bare Hono on @hono/node-server, the same framework and adapter
 * as ESP Hub, answering each benchmarked route with a body of the same shape and no work behind it.
 * Our figure divided by this one is what our middleware, auth and database cost on this machine.
 * Run by test/bench/run.ts in a child process of its own, like the server under test.
 */
const app = new Hono();

app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.get('/v1/admin/connections', (c) => c.json({ items: [], nextCursor: null }));
// Parses the batch and answers one result per message, as /v1/batch does, with nothing stored.
app.post('/v1/batch', async (c) => {
  const { batch } = await c.req.json<{ batch: Array<{ messageId?: string }> }>();
  return c.json({
    success: true,
    results: batch.map((message, index) => ({
      index,
      status: 'stored',
      messageId: message.messageId,
      profileId: 'prof_baseline',
    })),
  });
});

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('baseline-server: set PORT\n');
  process.exit(2);
}

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`baseline listening on ${port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
