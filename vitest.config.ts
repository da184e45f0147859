import { defineConfig } from 'vitest/config';

// Two projects: the Node app (fast, in-process), and the Workers entry running in workerd
// under `wrangler dev` against a local D1 (slower: it boots a runtime).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One wrangler dev at a time: each boots workerd and binds ports.
          fileParallelism: false,
        },
      },
    ],
  },
});
