import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeRuntime, loadOrCreateSecretKey } from '../../src/entry/node-runtime.js';
import { nodeEnvSchema, parseEnv } from '../../src/env.js';
import { createLogger } from '../../src/lib/logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'esp-hub-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quiet = createLogger('error', () => {});

describe('secret key on Node', () => {
  it('generates a key file with 0600 permissions on first start and reuses it', async () => {
    const env = parseEnv(nodeEnvSchema, { ESP_HUB_DATA_DIR: dir });
    const first = await loadOrCreateSecretKey(env, quiet);
    const info = await stat(join(dir, 'secret.key'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(32);
    expect(await loadOrCreateSecretKey(env, quiet)).toEqual(first);
  });

  it('prefers ESP_HUB_SECRET_KEY and writes no file', async () => {
    const env = parseEnv(nodeEnvSchema, { ESP_HUB_DATA_DIR: dir, ESP_HUB_SECRET_KEY: 'ab'.repeat(32) });
    expect((await loadOrCreateSecretKey(env, quiet))[0]).toBe(0xab);
    await expect(readFile(join(dir, 'secret.key'))).rejects.toThrow(/ENOENT/);
  });
});

describe('scoring threads on Node', () => {
  it('gives a full recommendation run one scoring thread per core, or as many as ESP_HUB_RECS_THREADS says', async () => {
    const counts: number[] = [];
    for (const threads of [undefined, '0', '3']) {
      const env = parseEnv(nodeEnvSchema, {
        ESP_HUB_DATA_DIR: dir,
        ESP_HUB_SERVING_INDEX: 'off',
        ...(threads === undefined ? {} : { ESP_HUB_RECS_THREADS: threads }),
      });
      const runtime = await createNodeRuntime(env, quiet);
      counts.push(runtime.deps.scoringThreads?.count ?? -1);
      runtime.close();
    }
    expect(counts).toEqual([availableParallelism(), 0, 3]);
  });
});
