import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sharedDataAvailable, sharedDataPath } from './shared-data.js';

/**
 * A Stoplight Prism mock serving one of the vendors' OpenAPI documents in ../shared/specs: every
 * request our connectors send is validated against the vendor's contract, and a violation is
 * answered with a 4xx plus a `[VALIDATOR]` log line, which `violations()` returns for assertions.
 */
export interface PrismMock {
  url: string;
  violations(): string[];
  logs(): string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whether `specs/<relativeSpec>` is present (suites skip with the reason otherwise: describeWithSharedData). */
export function specAvailable(relativeSpec: string): boolean {
  return sharedDataAvailable(`specs/${relativeSpec}`);
}

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

/** Starts `prism mock` on a free port for `specs/<relativeSpec>` and waits until it answers. */
export async function startPrism(
  relativeSpec: string,
  options: { dynamic?: boolean } = {},
): Promise<PrismMock> {
  const port = await freePort();
  const spec = sharedDataPath('specs', ...relativeSpec.split('/'));
  const args = [
    'prism',
    'mock',
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    ...(options.dynamic ? ['-d'] : []),
    spec,
  ];
  const child: ChildProcess = spawn('npx', ['--no-install', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/Prism is listening/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`prism did not start for ${relativeSpec}:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    // Prism logs a `[VALIDATOR] ✔ success` line for good requests too: only failures count.
    violations: () =>
      output.split('\n').filter((line) => line.includes('[VALIDATOR]') && !line.includes('success')),
    logs: () => output,
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      await exited;
    },
  };
}
