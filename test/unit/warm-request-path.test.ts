import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { warmRequestPath } from '../../src/http/warm-request-path.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('warmRequestPath', () => {
  let testApp: TestApp | undefined;
  afterEach(() => testApp?.close());

  it("runs the app's health route the given number of times, each answered 200", async () => {
    testApp = await createTestApp();
    expect(await warmRequestPath(testApp.app, 50)).toBe(50);
  });

  it('counts only the answers that were 200, and gives each request the env shape of a Node request', async () => {
    const seen: unknown[] = [];
    let calls = 0;
    const app = new Hono<{ Bindings: { incoming: unknown; outgoing: unknown } }>();
    app.get('/healthz', (c) => {
      seen.push(Object.keys(c.env));
      calls++;
      return calls % 2 === 0 ? c.text('down', 503) : c.text('ok');
    });
    expect(await warmRequestPath(app, 10)).toBe(5);
    expect(seen[0]).toEqual(['incoming', 'outgoing']);
  });
});
