import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';

/**
 * kill -9 of the real Node server in the middle of a sync run, then a restart on the same data
 * directory: the orphaned run is resumed from its checkpoint (not restarted), and the ESP ends up
 * with every profile, once, with the right fields. Only what was in flight at the kill may have
 * been written twice, which upserts absorb.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const ADMIN_KEY = 'ehk_crash-test-admin-key-0123456789abcdef';
const N = 240;
const PAGE = 10;

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

interface NodeServer {
  child: ChildProcess;
  base: string;
  output(): string;
  exited: Promise<unknown>;
}

const children: ChildProcess[] = [];

async function startServer(dataDir: string): Promise<NodeServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ESP_HUB_DATA_DIR: dataDir,
      ESP_HUB_ADMIN_KEY: ADMIN_KEY,
      ESP_HUB_SCHEDULER: 'off',
      ESP_HUB_LOG_LEVEL: 'warn',
      // The restarted server may resume the orphaned run after 1 s of silence, not 2 minutes.
      ESP_HUB_STALE_RUN_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the kill reaches anything it spawned too.
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 20_000; ; ) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch (error) {
      if (Date.now() > until) throw new Error(`server did not start: ${output}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, base, output: () => output, exited };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function api(server: NodeServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, each checked by the expectations.
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  for (const end = Date.now() + deadlineMs; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let esp: FakeEsp | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  for (const child of children) killGroup(child);
  await esp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const expectedFields = (i: number) => ({ FNAME: `P${i}`, PLAN: i % 2 ? 'PRO' : 'FREE' });

describe('sync run killed with SIGKILL mid-run', () => {
  it('resumes from its checkpoint after a restart and leaves the ESP in the expected state', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esp-hub-crash-'));
    // Slow enough that the run is still going when the kill comes (it keeps 10 calls in flight).
    esp = await startFakeEsp({ delayMs: 300 });
    let server = await startServer(dataDir);

    // Seed through the tracking API, as a source would.
    for (let start = 0; start < N; start += 120) {
      const batch = Array.from({ length: Math.min(120, N - start) }, (_, k) => {
        const i = start + k;
        return {
          type: 'identify',
          userId: `u${i}`,
          messageId: `seed-${i}`,
          traits: { email: `p${i}@example.com`, first_name: `P${i}`, plan: i % 2 ? 'pro' : 'free' },
        };
      });
      const seeded = await api(server, 'POST', '/v1/batch', { batch });
      expect(seeded.status).toBe(200);
    }

    const connection = await api(server, 'POST', '/v1/admin/connections', {
      connectorId: 'mailchimp',
      name: 'fake audience',
      config: { apiKey: esp.apiKey, baseUrl: esp.baseUrl, listId: esp.listId },
    });
    expect(connection.status).toBe(201);
    const sync = await api(server, 'POST', '/v1/admin/syncs', {
      name: 'crash me',
      destinationId: connection.body.id,
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'FNAME' },
          { from: 'traits.plan', to: 'PLAN', transforms: [{ type: 'uppercase' }] },
        ],
        pageSize: PAGE,
      },
    });
    expect(sync.status).toBe(201);

    const started = await api(server, 'POST', `/v1/admin/syncs/${sync.body.id}/runs`, {});
    expect(started.status).toBe(202);
    const runId = started.body.run.id as string;

    // Mid-run: some pages committed, most not.
    await until('a committed page', async () => {
      const run = await api(server, 'GET', `/v1/admin/sync-runs/${runId}`);
      return run.body.checkpoint ? true : undefined;
    });
    killGroup(server.child);
    await server.exited;
    const seenAtKill = esp.memberCount();
    expect(seenAtKill).toBeGreaterThan(0);
    expect(seenAtKill).toBeLessThan(N);

    // A request the dead server had in flight may still land (the ESP applied it): let it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    esp.configure({ delayMs: 0 });
    server = await startServer(dataDir);
    const orphan = await api(server, 'GET', `/v1/admin/syncs/${sync.body.id}/runs`);
    const before = orphan.body.items.find((run: { id: string }) => run.id === runId);
    expect(before).toMatchObject({ status: 'running' });
    expect(before.checkpoint).not.toBeNull();

    // Until its heartbeat goes stale the orphan still counts as active (409); then it is resumed.
    const resumed = await until('the orphaned run to be resumable', async () => {
      const res = await api(server, 'POST', `/v1/admin/syncs/${sync.body.id}/runs?wait=true`, {});
      if (res.status === 409) return undefined;
      return res;
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.run.id).toBe(runId);
    expect(resumed.body.result).toMatchObject({
      status: 'succeeded',
      counts: { scanned: N, sent: N, ok: N, failed: 0 },
    });

    // The ESP's final state: every profile once, with its fields; nothing else.
    expect(esp.memberCount()).toBe(N);
    for (let i = 0; i < N; i++) {
      expect(esp.member(`p${i}@example.com`)?.mergeFields, `p${i}`).toEqual(expectedFields(i));
    }
    // Resumed, not restarted: only what was in flight at the kill was written twice. The engine
    // keeps one batch per allowed connection in flight (Mailchimp: 10, here a page each), so at most
    // 10 pages plus the one being read, far from the N a restart would write again.
    const inFlight = 11 * PAGE;
    const twice = [...esp.members()].filter((member) => member.writes > 1);
    expect(twice.length).toBeLessThanOrEqual(inFlight);
    expect(esp.counters.memberWrites).toBeLessThanOrEqual(N + inFlight);

    // And a rerun after all that writes nothing.
    esp.resetCounters();
    const rerun = await api(server, 'POST', `/v1/admin/syncs/${sync.body.id}/runs?wait=true`, {});
    expect(rerun.body.result.counts).toMatchObject({ scanned: N, unchanged: N, sent: 0 });
    expect(esp.counters.requests).toBe(0);

    killGroup(server.child);
    await server.exited;
  }, 90_000);
});
