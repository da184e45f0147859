import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawHeader } from '../../src/http/request-headers.js';

/** Sends a request with `headerLines` as written (repeats allowed) to a Node server; returns what it parsed. */
async function received(headerLines: string[]): Promise<IncomingMessage> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const arrived = once(server, 'request') as Promise<[IncomingMessage, ServerResponse]>;
  const socket = connect(port, '127.0.0.1');
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`,
  );
  const [message, response] = await arrived;
  response.end();
  socket.destroy();
  server.close();
  return message;
}

describe('rawHeader', () => {
  it('reads what Node would put in incoming.headers, without building it', async () => {
    const message = await received([
      'Authorization: Bearer first',
      'authorization: Bearer second',
      'X-Request-Id: a',
      'x-request-id: b',
      'If-None-Match: "1"',
      'X-Empty:',
    ]);
    for (const name of ['authorization', 'x-request-id', 'if-none-match', 'x-empty', 'x-api-key', 'host']) {
      const expected = message.headers[name];
      expect(rawHeader(message.rawHeaders, name)).toBe(
        Array.isArray(expected) ? expected.join(', ') : expected,
      );
    }
    expect(rawHeader(message.rawHeaders, 'authorization')).toBe('Bearer first');
    expect(rawHeader(message.rawHeaders, 'x-request-id')).toBe('a, b');
    expect(rawHeader(message.rawHeaders, 'x-api-key')).toBeUndefined();
  });

  it('matches names whatever their case, and only whole names', () => {
    const raw = ['X-API-KEY', 'k1', 'X-Api-Keys', 'no', 'x-api-ke', 'no'];
    expect(rawHeader(raw, 'x-api-key')).toBe('k1');
    expect(rawHeader([], 'x-api-key')).toBeUndefined();
  });
});
