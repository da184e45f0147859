import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, SERVER_START_ARGS } from '../bench/node-flags.js';

const ROOT = new URL('../..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function startNode(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, SERVER_START_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(url: string, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('node entry (npm start)', () => {
  let dataDir: string;
  let port: number;
  let server: ReturnType<typeof startNode>;
  let startedInMs: number;

  beforeAll(async () => {
    // As `npm start` does: build (its prestart), then node with the start script's arguments.
    buildServer();
    dataDir = join(await mkdtemp(join(tmpdir(), 'esp-hub-node-')), 'nested', 'data');
    port = await freePort();
    const started = Date.now();
    server = startNode({ PORT: String(port), HOST: '127.0.0.1', ESP_HUB_DATA_DIR: dataDir });
    await waitFor(`http://127.0.0.1:${port}/healthz`, 15_000);
    startedInMs = Date.now() - started;
  }, 30_000);

  afterAll(async () => {
    server.child.kill('SIGKILL');
    await rm(join(dataDir, '..', '..'), { recursive: true, force: true });
  });

  it('serves /healthz within 10 s of starting, on a fresh data dir it created', async () => {
    expect(startedInMs).toBeLessThan(10_000);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect((await stat(join(dataDir, 'esp-hub.db'))).isFile()).toBe(true);
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
  });

  it('prints a working admin key once, and is ready with migrations applied', async () => {
    const key = server.output().match(/ehk_[A-Za-z0-9_-]{43}/)?.[0];
    expect(key).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${port}/v1/admin/connections`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(server.output()).toContain('scheduler started');
    // The embedded database comes with the send-time serving index, loaded (empty) at start.
    const metrics = await fetch(`http://127.0.0.1:${port}/v1/admin/metrics/personalize`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(((await metrics.json()) as { servingIndex: unknown }).servingIndex).toMatchObject({
      state: 'ready',
      loads: 1,
      profiles: 0,
    });
  });

  it('scores a recommendation run on its worker threads, built beside the server', async () => {
    const key = server.output().match(/ehk_[A-Za-z0-9_-]{43}/)?.[0];
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const at = new Date().toISOString();
    const batch = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        batch: [
          {
            type: 'track',
            userId: 'u1',
            event: 'Product Viewed',
            properties: { product_id: 'p1' },
            timestamp: at,
          },
          {
            type: 'track',
            userId: 'u1',
            event: 'Product Viewed',
            properties: { product_id: 'p2' },
            timestamp: at,
          },
        ],
      }),
    });
    expect(batch.status).toBe(200);
    const run = await fetch(`http://127.0.0.1:${port}/v1/admin/recommendations/recompute?wait=true`, {
      method: 'POST',
      headers,
    });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ done: true, counts: { profiles: 1 } });
    // A thread that could not start (a missing module) would have been logged and replaced.
    expect(server.output()).not.toMatch(/thread failed/);
  });

  it('stops cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('does not print a new key on a second start with the same data dir', async () => {
    const again = startNode({ PORT: String(port), HOST: '127.0.0.1', ESP_HUB_DATA_DIR: dataDir });
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, 15_000);
      expect(again.output()).not.toMatch(/ehk_[A-Za-z0-9_-]{43}/);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('fails fast naming a bad variable', async () => {
    const bad = startNode({ PORT: 'not-a-port', ESP_HUB_DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/Invalid environment:\n\s+PORT: /);
  });
});
