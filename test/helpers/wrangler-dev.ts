import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the real Workers entry under `wrangler dev --local` (workerd + a local D1), the way a
 * developer does, so the edge build is tested with its real bundler, bindings and runtime.
 */

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The local binary, not `npx`: npx adds a second of npm start-up and an extra process layer
// between us and wrangler, which makes process-group clean-up less predictable.
const WRANGLER_BIN = join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');

/** CI=1 makes wrangler skip its prompts; no metrics: the sandbox has no network. */
const WRANGLER_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CI: '1',
  WRANGLER_SEND_METRICS: 'false',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/** 32 random bytes as base64url without padding: the 43-character form ESP_HUB_SECRET_KEY takes. */
export function randomSecretKey(): string {
  return randomBytes(32).toString('base64url');
}

/** An API key in the shape `generateApiKey` makes (`ehk_` + 43 base64url characters). */
export function randomAdminKey(): string {
  return `ehk_${randomBytes(32).toString('base64url')}`;
}

/** A port the OS just handed out; there is a small race until wrangler binds it, acceptable in tests. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe server'));
      });
    });
  });
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `esp-hub-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a wrangler command to completion, stdout and stderr interleaved in `output`. */
export function runWrangler(args: string[], timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER_BIN, args, {
      cwd: PROJECT_ROOT,
      env: WRANGLER_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`wrangler ${args.join(' ')} took longer than ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Applies `migrations/` to the local D1 under `persistTo`, exactly as `npm run dev:worker` does. */
export async function applyD1Migrations(persistTo: string): Promise<void> {
  const result = await runWrangler([
    'd1',
    'migrations',
    'apply',
    'esp-hub',
    '--local',
    '--persist-to',
    persistTo,
  ]);
  if (result.code !== 0)
    throw new Error(`wrangler d1 migrations apply failed (exit ${result.code}):\n${result.output}`);
}

export interface WranglerDevOptions {
  persistTo: string;
  vars: Record<string, string>;
  /** Exposes `/__scheduled?cron=…`, which calls the Worker's `scheduled` handler. */
  testScheduled?: boolean;
  readyTimeoutMs?: number;
}

export interface WranglerDev {
  baseUrl: string;
  /** Everything wrangler and workerd printed so far: shown when a test needs to explain itself. */
  output(): string;
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the whole group, so workerd (wrangler's child) goes too.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts `wrangler dev` and resolves once GET /healthz answers 200. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    // Its own inspector port: two dev servers at once would otherwise both want 9229.
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    options.persistTo,
    '--show-interactive-dev-session=false',
    '--live-reload=false',
    ...(options.testScheduled ? ['--test-scheduled'] : []),
    ...Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = spawn(WRANGLER_BIN, args, {
    cwd: PROJECT_ROOT,
    env: WRANGLER_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      killGroup(child, 'SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return { baseUrl, output: () => output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(
    `wrangler dev did not answer GET /healthz within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`,
  );
}

/** `wrangler dev` on a fresh local D1 with `migrations/` applied; `stop()` removes the D1 too. */
export async function startMigratedWorker(
  prefix: string,
  options: Omit<WranglerDevOptions, 'persistTo'>,
): Promise<WranglerDev> {
  const dir = await makeTempDir(prefix);
  try {
    await applyD1Migrations(dir);
    const worker = await startWranglerDev({ ...options, persistTo: dir });
    return {
      baseUrl: worker.baseUrl,
      output: () => worker.output(),
      stop: async () => {
        await worker.stop();
        await removeDir(dir);
      },
    };
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}
