import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDeterministicResolution } from './identity-deterministic.js';
import { benchIdentityLinkage } from './identity-linkage.js';
import { benchKMeans } from './kmeans.js';
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { benchPersonalize } from './personalize.js';
import { benchSegments } from './segments-recompute.js';
import { benchSyncDelivery } from './sync-delivery.js';

/**
 * The engine benchmarks of `npm run bench` (the HTTP ones are in run.ts): each runs our engine and
 * its baseline side by side in this process and returns `name: key=value …` lines, which are
 * printed and recorded in docs/benchmarks.md between the engine markers.
 *
 * BENCH_ONLY (comma-separated: identity_linkage, identity_deterministic, sync_delivery, segments,
 * kmeans, personalize), BENCH_IDENTITY_RECORDS (default 1,000,000), BENCH_SYNC_PROFILES (default
 * 100,000), BENCH_SEGMENT_PROFILES (default 1,000,000, with 10 events each), BENCH_KMEANS_PROFILES
 * (100,000), BENCH_PERSONALIZE_PROFILES (1,000,000), BENCH_WRITE_DOCS=0 to leave the docs alone.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = join(ROOT, 'docs', 'benchmarks.md');
const START = '<!-- bench:engines:start (rows are added by npm run bench, newest first) -->';
const END = '<!-- bench:engines:end -->';

const ENGINES: Array<{ name: string; run(): Promise<string[]> }> = [
  { name: 'identity_linkage', run: benchIdentityLinkage },
  {
    name: 'identity_deterministic',
    run: () => benchDeterministicResolution(Number(process.env.BENCH_IDENTITY_RECORDS ?? 1_000_000)),
  },
  // sync_delivery, sync_rerun and sync_ratelimited lines (see sync-delivery.ts).
  { name: 'sync_delivery', run: benchSyncDelivery },
  // segments_recompute and segments_incremental lines.
  {
    name: 'segments',
    run: () => benchSegments(Number(process.env.BENCH_SEGMENT_PROFILES ?? 1_000_000)),
  },
  { name: 'kmeans', run: () => benchKMeans(Number(process.env.BENCH_KMEANS_PROFILES ?? 100_000)) },
  // personalize_precompute and personalize_webhook lines (see personalize.ts).
  {
    name: 'personalize',
    run: () => benchPersonalize(Number(process.env.BENCH_PERSONALIZE_PROFILES ?? 1_000_000)),
  },
];

async function recordInDocs(lines: string[]): Promise<void> {
  let docs = await readFile(DOCS, 'utf8');
  if (!docs.includes(START)) {
    docs += `\n## Engine benchmarks\n\nRun by \`test/bench/engines.ts\` in one process, ours and the baseline side by side (see each file's header for what they compare).\n\n${START}\n${END}\n`;
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const stamp = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpu} × ${os.cpus().length}, node ${process.version}`;
  const block = [`- ${stamp}`, ...lines.map((line) => `  - \`${line}\``)].join('\n');
  docs = docs.replace(START, `${START}\n${block}`);
  await writeFile(DOCS, docs);
}

/**
 * Each engine runs in a child process of its own: peak RSS is per process, and one engine's
 * garbage (the 1M-record run) must not be counted against the next.
 */
function runInChild(name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // The young-generation size `npm start` gives the server: bulk ingest allocates short-lived
    // objects by the million, and V8's default 16 MB semi-space spent a sixth of the run collecting them.
    const child = spawn(
      process.execPath,
      [...SERVER_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url)],
      {
        env: { ...process.env, BENCH_ONLY: name, BENCH_WRITE_DOCS: '0', BENCH_IN_CHILD: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench ${name} exited with ${code}`));
      else resolve(out.split('\n').filter((line) => /^[a-z0-9_]+: /.test(line)));
    });
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const lines: string[] = [];
  for (const engine of ENGINES) {
    if (only && !only.includes(engine.name)) continue;
    const produced = process.env.BENCH_IN_CHILD ? await engine.run() : await runInChild(engine.name);
    if (!process.env.BENCH_IN_CHILD) process.stderr.write(`bench: ${engine.name} done\n`);
    for (const line of produced) console.log(line);
    lines.push(...produced);
  }
  if (process.env.BENCH_WRITE_DOCS !== '0' && lines.length > 0) await recordInDocs(lines);
}

await main();
