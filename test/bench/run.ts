import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import autocannon from 'autocannon';
import { buildServer, SERVER_START_ARGS } from './node-flags.js';
import { EVENTS_PER_BATCH, segmentBatches } from './segment-workload.js';

/**
 * `npm run bench`: ESP Hub's Node server against a bare Hono baseline, side by side in one run on
 * the same machine. Both servers are child processes; the load comes from this process, so neither
 * server shares a thread with its load generator. Prints one `name: key=value …` line per
 * benchmark and records the figures in docs/benchmarks.md.
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_CONNECTIONS (10), BENCH_ROUNDS (5),
 * BENCH_ONLY (comma-separated benchmark names), BENCH_WRITE_DOCS=0 to leave the docs alone,
 * BENCH_CPU_PROF=<dir> to run our server under `node --cpu-prof` writing its profile there.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS_PATH = join(ROOT, 'docs', 'benchmarks.md');
const READY_TIMEOUT_MS = 30_000;

interface Settings {
  /** Measured seconds per side, over all rounds. */
  durationS: number;
  warmupS: number;
  connections: number;
  rounds: number;
}

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A fresh JSON body per request (instead of `body`), e.g. so every event has a new messageId. */
  nextBody?: () => Buffer;
}

/** What a benchmark may use from the server under test (to build requests or seed data). */
interface OursContext {
  baseUrl: string;
  adminKey: string;
}

interface Benchmark {
  /** The name on the summary line and in the docs table. */
  name: string;
  /** One sentence for the docs: what the request exercises. */
  what: string;
  /** Runs once before the benchmark, e.g. to create the rows a read benchmark reads. */
  setup?(ctx: OursContext): Promise<void>;
  ours(ctx: OursContext): RequestSpec;
  /** A route of test/bench/baseline-server.ts answering a body of the same shape. */
  baseline: RequestSpec;
  /** Events per request, for benchmarks whose figure is events per second rather than requests. */
  eventsPerRequest?: number;
  /**
   * How many events one 2xx answer of ours acknowledges. When set, the server is stopped with
   * SIGTERM after the run, started again on the same data directory, and the `events` rows counted:
   * every acknowledged event must be there.
   */
  acknowledged?(responseBody: string): number;
}

/** Add a benchmark here (and its baseline route in baseline-server.ts). */
const BENCHMARKS: Benchmark[] = [
  {
    name: 'admin_connections_list',
    what:
      'authenticated `GET /v1/admin/connections` (Bearer admin key) on an empty database: request id, secure ' +
      'headers, body limit, API-key auth (hash lookup, cached per process for 10 s), zod query validation, ' +
      'one libSQL query, response serialization',
    ours: ({ adminKey }) => ({
      method: 'GET',
      path: '/v1/admin/connections',
      headers: { authorization: `Bearer ${adminKey}` },
    }),
    baseline: { method: 'GET', path: '/v1/admin/connections' },
  },
  ingestBatchBenchmark(),
];

/** `POST /v1/batch` as analytics-node sends it; its baseline parses the body and answers per message. */
function ingestBatchBenchmark(): Benchmark {
  let ingestKey = '';
  return {
    name: 'ingest_batch',
    what:
      `Segment \`POST /v1/batch\` with ${EVENTS_PER_BATCH} events per request (identify, page, Product Viewed, ` +
      'Product Added, Cart Viewed, Order Completed, … in sessions over 20,000 people; every request carries new ' +
      'messageIds), HTTP Basic with an ingest key as analytics-node sends it: per-message validation, identity ' +
      'resolution, events, orders, carts, browsing and metrics written in one SQLite transaction (concurrent ' +
      'requests share one: group commit, each answered after its commit). ' +
      '`rps` is requests; events/s = rps × 100. The baseline parses the JSON and answers the same per-message shape. ' +
      'After the run the server is stopped (SIGTERM) and started again on its data, and the stored events are ' +
      'counted against the acknowledged ones',
    async setup({ baseUrl, adminKey }) {
      const response = await fetch(`${baseUrl}/v1/admin/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench ingest', role: 'ingest' }),
      });
      if (!response.ok)
        throw new Error(`creating an ingest key answered ${response.status}: ${await response.text()}`);
      ingestKey = ((await response.json()) as { key: string }).key;
    },
    ours: () => ({
      method: 'POST',
      path: '/v1/batch',
      headers: { authorization: `Basic ${Buffer.from(`${ingestKey}:`).toString('base64')}` },
      nextBody: segmentBatches(`ours-${Date.now().toString(36)}`),
    }),
    baseline: { method: 'POST', path: '/v1/batch', nextBody: segmentBatches('baseline') },
    eventsPerRequest: EVENTS_PER_BATCH,
    // Only `stored`: a duplicate was acknowledged (and counted) by an earlier answer, if ever.
    acknowledged: (body) => body.split('"status":"stored"').length - 1,
  };
}

function settingsFromEnv(): Settings {
  const number = (name: string, fallback: number, min: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`${name} must be a number ≥ ${min}, got '${raw}'`);
    return value;
  };
  return {
    durationS: number('BENCH_DURATION_S', 10, 1),
    warmupS: number('BENCH_WARMUP_S', 2, 0),
    connections: Math.floor(number('BENCH_CONNECTIONS', 10, 1)),
    rounds: Math.floor(number('BENCH_ROUNDS', 5, 1)),
  };
}

// ---------------------------------------------------------------------------------------------
// Child servers

interface Server {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  output(): string;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
/** Servers that came up, so a failure of one still stops the other gracefully. */
const running: Server[] = [];

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Detached children lead their own process group; the negative pid reaches all of it.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// Whatever way this process ends, the servers must not outlive it.
process.on('exit', () => {
  for (const child of children) signalGroup(child, 'SIGKILL');
  // On SIGINT the `finally` in main never runs; the temp database goes here instead.
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
    process.exit(130);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `node <args>` and waits until `readyPath` answers 200: node itself, not `npm start` or
 * `npx tsx`, so there is one process per server and no wrapper in between.
 */
async function startServer(
  name: string,
  args: string[],
  readyPath: string,
  env: Record<string, string>,
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output}`,
      );
    }
    const status = await fetch(baseUrl + readyPath, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      const server = { name, baseUrl, child, output: () => output };
      running.push(server);
      return server;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready (GET ${readyPath} → 200) within ${READY_TIMEOUT_MS} ms:\n${output}`);
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function cannonOptions(target: Target, connections: number, durationS: number) {
  const { baseUrl, spec, onAcknowledged } = target;
  const headers = { ...spec.headers };
  if (spec.body !== undefined || spec.nextBody) headers['content-type'] = 'application/json';
  const { nextBody } = spec;
  return {
    url: baseUrl + spec.path,
    method: spec.method,
    headers,
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    connections,
    duration: durationS,
    ...(nextBody || onAcknowledged
      ? {
          requests: [
            {
              ...(nextBody
                ? { setupRequest: <R extends object>(request: R) => ({ ...request, body: nextBody() }) }
                : {}),
              ...(onAcknowledged
                ? {
                    onResponse: (status: number, body: string) => {
                      if (status >= 200 && status < 300) onAcknowledged(body);
                    },
                  }
                : {}),
            },
          ],
        }
      : {}),
  };
}

/** Counts accumulated over the rounds of one side. */
class Tally {
  readonly latencies: number[] = [];
  seconds = 0;
  requests = 0;
  errors = 0;
  readonly statusCodes: Record<string, number> = {};

  toMeasurement(): Measurement {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      rps: this.latencies.length / this.seconds,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      requests: this.requests,
      errors: this.errors,
      statusCodes: this.statusCodes,
    };
  }
}

async function load(target: Target, connections: number, seconds: number, tally?: Tally): Promise<void> {
  const instance = autocannon(cannonOptions(target, connections, seconds));
  if (tally) {
    // autocannon's own latency histogram has 1 ms resolution, too coarse for sub-millisecond
    // answers; the response event carries the float time, so percentiles are computed from that.
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) tally.latencies.push(responseTimeMs);
    });
  }
  const result = await instance;
  if (!tally) return;
  tally.seconds += result.duration;
  tally.requests += result.requests.total;
  // autocannon's `errors` already includes timeouts; non-2xx answers count as errors here too.
  tally.errors += result.errors + result.non2xx + result.mismatches;
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    tally.statusCodes[code] = (tally.statusCodes[code] ?? 0) + Number(count);
  }
}

interface Target {
  baseUrl: string;
  spec: RequestSpec;
  /** Sees the body of every 2xx answer (warm-up included), for the durability count. */
  onAcknowledged?(body: string): void;
}

/**
 * A discarded warm-up per side, then the measured time split into rounds that alternate between
 * the sides (and which goes first), so a burst of other work on the machine hits both alike
 * instead of skewing the ratio.
 */
async function measurePair(
  ours: Target,
  baseline: Target,
  settings: Settings,
): Promise<{ ours: Measurement; baseline: Measurement }> {
  if (settings.warmupS > 0) {
    await load(baseline, settings.connections, settings.warmupS);
    await load(ours, settings.connections, settings.warmupS);
  }
  const tallies = { ours: new Tally(), baseline: new Tally() };
  const roundS = settings.durationS / settings.rounds;
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    for (const side of order) {
      await load(side === 'ours' ? ours : baseline, settings.connections, roundS, tallies[side]);
    }
  }
  return { ours: tallies.ours.toMeasurement(), baseline: tallies.baseline.toMeasurement() };
}

/** One request before measuring, so a wrong route or key fails loudly instead of benchmarking a 401. */
async function preflight(server: Server, spec: RequestSpec): Promise<string> {
  const hasBody = spec.body !== undefined || spec.nextBody !== undefined;
  const response = await fetch(server.baseUrl + spec.path, {
    method: spec.method,
    headers: { ...spec.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    body: spec.nextBody
      ? spec.nextBody().toString()
      : spec.body === undefined
        ? undefined
        : JSON.stringify(spec.body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `${server.name}: ${spec.method} ${spec.path} answered ${response.status} before the benchmark: ${text}`,
    );
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Reporting

interface Outcome {
  benchmark: Benchmark;
  ours: Measurement;
  baseline: Measurement;
  /** Events acknowledged by 2xx answers over the whole run, and `events` rows after a restart. */
  durability?: { acknowledged: number; stored: number };
}

/** Figures some benchmarks add: events per second, the durability count. */
function extraFigures({ benchmark, ours, baseline, durability }: Outcome): string[] {
  const figures: string[] = [];
  if (benchmark.eventsPerRequest) {
    figures.push(
      `events_per_s=${fixed(ours.rps * benchmark.eventsPerRequest, 0)}`,
      `baseline_events_per_s=${fixed(baseline.rps * benchmark.eventsPerRequest, 0)}`,
    );
  }
  if (durability) {
    figures.push(`acknowledged=${durability.acknowledged}`, `stored_after_restart=${durability.stored}`);
  }
  return figures;
}

function durabilityFailed(outcome: Outcome): boolean {
  return outcome.durability !== undefined && outcome.durability.stored < outcome.durability.acknowledged;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function summaryLine({ benchmark, ours, baseline, durability }: Outcome): string {
  return [
    `${benchmark.name}:`,
    `rps=${fixed(ours.rps, 0)}`,
    `baseline_rps=${fixed(baseline.rps, 0)}`,
    `ratio=${fixed(ours.rps / baseline.rps, 2)}`,
    `p50_ms=${fixed(ours.p50Ms, 2)}`,
    `p99_ms=${fixed(ours.p99Ms, 2)}`,
    `baseline_p50_ms=${fixed(baseline.p50Ms, 2)}`,
    `baseline_p99_ms=${fixed(baseline.p99Ms, 2)}`,
    `errors=${ours.errors + baseline.errors}`,
    ...extraFigures({ benchmark, ours, baseline, durability }),
  ].join(' ');
}

function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return `${model} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`;
}

const RESULTS_START = '<!-- bench:results:start (rows are added by npm run bench, newest first) -->';
const RESULTS_END = '<!-- bench:results:end -->';
const TABLE_HEADER = [
  '| date (UTC) | benchmark | rps | baseline rps | ratio | p50 ms | p99 ms | baseline p50 ms | baseline p99 ms | errors | machine | node | settings | other figures |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
];

function docsTemplate(): string {
  const benchmarks = BENCHMARKS.map((b) => `- \`${b.name}\`: ${b.what}.`).join('\n');
  return `# Benchmarks

\`npm run bench\` (\`test/bench/run.ts\`) starts two HTTP servers as child processes on the same
machine and drives both from a third process with [autocannon](https://github.com/mcollina/autocannon),
with the same settings, never both at once:

- **ours**: the ESP Hub Node server as \`npm start\` runs it (\`dist/server/node.mjs\`, built from \`src/entry/node.ts\`) with a fresh libSQL database in a temporary
  data directory, the scheduler off and log level \`warn\`;
- **baseline**: \`test/bench/baseline-server.ts\`, bare Hono on \`@hono/node-server\` (the same framework
  and adapter) answering the same route with a body of the same shape and no work behind it.

Each side gets a warm-up run that is discarded; the measured time per side is then split into rounds
that alternate between the two (5 rounds of 2 s by default), so background load on the machine falls
on both sides alike rather than skewing the ratio. \`rps\` counts 2xx answers per second; p50/p99 are
latencies of 2xx answers, measured per request in the load generator. \`ratio\` is ours ÷ baseline:
the share of bare-framework throughput left after our middleware, authentication, validation and
database work. \`errors\` adds up connection errors, timeouts and non-2xx answers on both sides; the
run exits non-zero when it is not 0. The server under load and the load generator share
the machine's cores (2 on the project's machines), and absolute figures move with whatever else the
machine is doing: compare ours with the baseline within one row, and rows only from the same machine.

What each benchmark measures:

${benchmarks}

To add one: an entry in \`BENCHMARKS\` in \`test/bench/run.ts\` and its route in \`baseline-server.ts\`.
Settings: \`BENCH_DURATION_S\` (measured seconds per side, default 10), \`BENCH_WARMUP_S\` (2),
\`BENCH_CONNECTIONS\` (10), \`BENCH_ROUNDS\` (5), \`BENCH_ONLY\` (names), \`BENCH_WRITE_DOCS=0\` to leave
this file alone.

## Results

${RESULTS_START}
${TABLE_HEADER.join('\n')}
${RESULTS_END}
`;
}

/** Adds this run's rows at the top of the results table; the prose above it is regenerated. */
async function updateDocs(outcomes: Outcome[], settings: Settings): Promise<void> {
  const existing = await readFile(DOCS_PATH, 'utf8').catch(() => '');
  const start = existing.indexOf(RESULTS_START);
  const end = existing.indexOf(RESULTS_END);
  const previousRows =
    start >= 0 && end > start
      ? existing
          .slice(start + RESULTS_START.length, end)
          .split('\n')
          .filter((line) => line.startsWith('|'))
          .slice(TABLE_HEADER.length)
      : [];
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const settingsText = `${settings.connections} connections, ${settings.warmupS} s warm-up, ${settings.durationS} s in ${settings.rounds} rounds`;
  const rows = outcomes.map((outcome) => {
    const { benchmark, ours, baseline } = outcome;
    return [
      date,
      `\`${benchmark.name}\``,
      fixed(ours.rps, 0),
      fixed(baseline.rps, 0),
      fixed(ours.rps / baseline.rps, 2),
      fixed(ours.p50Ms, 2),
      fixed(ours.p99Ms, 2),
      fixed(baseline.p50Ms, 2),
      fixed(baseline.p99Ms, 2),
      String(ours.errors + baseline.errors),
      machineDescription(),
      process.version,
      settingsText,
      extraFigures(outcome).join(' '),
    ].join(' | ');
  });
  const table = [...TABLE_HEADER, ...rows.map((row) => `| ${row} |`), ...previousRows].join('\n');
  // Anything after the table (hand-written notes on a run) is kept as it is.
  const notes = end >= 0 ? existing.slice(end + RESULTS_END.length) : '\n';
  const body = docsTemplate()
    .replace(`${TABLE_HEADER.join('\n')}\n`, `${table}\n`)
    .replace(`${RESULTS_END}\n`, `${RESULTS_END}${notes}`);
  await writeFile(DOCS_PATH, body);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const settings = settingsFromEnv();
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const benchmarks = only ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
  if (benchmarks.length === 0)
    throw new Error(`BENCH_ONLY matched none of: ${BENCHMARKS.map((b) => b.name).join(', ')}`);

  const dataDir = await mkdtemp(join(os.tmpdir(), 'esp-hub-bench-'));
  tempDirs.add(dataDir);
  const adminKey = `ehk_${randomBytes(32).toString('base64url')}`;
  const oursEnv = {
    ESP_HUB_DATA_DIR: dataDir,
    ESP_HUB_ADMIN_KEY: adminKey,
    ESP_HUB_SECRET_KEY: randomBytes(32).toString('base64url'),
    ESP_HUB_SCHEDULER: 'off',
    ESP_HUB_LOG_LEVEL: 'warn',
  };
  const profileDir = process.env.BENCH_CPU_PROF;
  // The server as `npm start` runs it: built first, then node with its flags.
  buildServer();
  const oursArgs = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ...SERVER_START_ARGS,
  ];
  try {
    let [ours, baseline] = await Promise.all([
      startServer('esp-hub', oursArgs, '/readyz', oursEnv),
      startServer('baseline', ['--import', 'tsx', 'test/bench/baseline-server.ts'], '/healthz', {}),
    ]);
    const ctx: OursContext = { baseUrl: ours.baseUrl, adminKey };
    console.log(`bench: ${machineDescription()}, node ${process.version}`);
    console.log(
      `bench: ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s per side in ${settings.rounds} alternating rounds`,
    );

    const outcomes: Outcome[] = [];
    /** Events acknowledged per benchmark that counts them (see `Benchmark.acknowledged`). */
    const acknowledgedBy = new Map<Benchmark, number>();
    for (const benchmark of benchmarks) {
      await benchmark.setup?.(ctx);
      const oursSpec = benchmark.ours(ctx);
      const { acknowledged } = benchmark;
      const onAcknowledged = acknowledged
        ? (body: string) =>
            acknowledgedBy.set(benchmark, (acknowledgedBy.get(benchmark) ?? 0) + acknowledged(body))
        : undefined;
      const firstAnswer = await preflight(ours, oursSpec);
      onAcknowledged?.(firstAnswer);
      await preflight(baseline, benchmark.baseline);
      console.log(`bench: ${benchmark.name}…`);
      const { ours: oursResult, baseline: baselineResult } = await measurePair(
        { baseUrl: ours.baseUrl, spec: oursSpec, ...(onAcknowledged ? { onAcknowledged } : {}) },
        { baseUrl: baseline.baseUrl, spec: benchmark.baseline },
        settings,
      );
      outcomes.push({ benchmark, ours: oursResult, baseline: baselineResult });
      for (const [side, result] of [
        ['esp-hub', oursResult],
        ['baseline', baselineResult],
      ] as const) {
        if (result.errors > 0) {
          console.error(
            `bench: ${benchmark.name}: ${side} had ${result.errors} errors; status codes ${JSON.stringify(result.statusCodes)}`,
          );
        }
      }
    }

    for (const server of running) {
      if (server.child.exitCode !== null)
        throw new Error(`${server.name} died during the run:\n${server.output()}`);
    }
    if (acknowledgedBy.size > 0) {
      // Durability: a graceful stop, a fresh process on the same data, then count what is there.
      await stopServer(ours);
      running.splice(running.indexOf(ours), 1);
      console.log('bench: restarting esp-hub on the same data directory to count stored events…');
      ours = await startServer('esp-hub', SERVER_START_ARGS, '/readyz', oursEnv);
      const stored = await countStoredEvents(join(dataDir, 'esp-hub.db'));
      for (const outcome of outcomes) {
        const acknowledged = acknowledgedBy.get(outcome.benchmark);
        if (acknowledged !== undefined) outcome.durability = { acknowledged, stored };
      }
    }
    if (process.env.BENCH_WRITE_DOCS !== '0') {
      await updateDocs(outcomes, settings);
      console.log(`bench: results added to ${DOCS_PATH}`);
    }
    // The summary lines come last, so they are the closing lines of the output.
    for (const outcome of outcomes) console.log(summaryLine(outcome));
    for (const outcome of outcomes.filter(durabilityFailed)) {
      console.error(`bench: ${outcome.benchmark.name}: acknowledged events missing after the restart`);
    }
    return outcomes.some((o) => o.ours.errors + o.baseline.errors > 0 || durabilityFailed(o)) ? 1 : 0;
  } finally {
    await Promise.all(running.map(stopServer));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Rows in `events`, read from the database file by a client of our own (the restarted server has
 * it open too; WAL lets both read). Only the ingest benchmarks write events, so this is their count.
 */
async function countStoredEvents(file: string): Promise<number> {
  const client = createClient({ url: `file:${file}` });
  try {
    const result = await client.execute('select count(*) as n from events');
    return Number(result.rows[0]?.n ?? Number.NaN);
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
