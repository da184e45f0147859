import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** Serves a fetch handler on a free loopback port through @hono/node-server, as `npm start` does. */
export async function serveOnLoopback(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ host: string; close(): Promise<void> }> {
  let server: ReturnType<typeof serve> | undefined;
  await new Promise<void>((resolve) => {
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  const running = server!;
  return {
    host: `http://127.0.0.1:${(running.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => running.close(() => resolve())),
  };
}
