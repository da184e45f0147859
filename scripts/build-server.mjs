// Builds the Node server `npm start` runs (dist/server/node.mjs) and its worker threads beside it,
// as plain JavaScript: a send then runs no loader and none of the wrappers a development
// transpiler adds (about 8 % of the webhook's throughput, docs/benchmarks.md). Packages stay
// external, read from node_modules. dist/server is two levels deep like src/entry, so paths the
// code resolves from its own location (the migrations folder) hold in both.
import { build } from 'esbuild';

await build({
  entryPoints: {
    node: 'src/entry/node.ts',
    'profile-reader-worker': 'src/services/personalize/profile-reader-worker.ts',
    'phone-worker': 'src/identity/phone-worker.ts',
    'scoring-worker': 'src/recommend/serving/scoring-worker.ts',
  },
  outdir: 'dist/server',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
