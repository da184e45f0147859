import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { recomputeRecommendations } from '../../src/recommend/serving/index.js';
import { openBenchDeps } from './bench-deps.js';
import { buildServer, SERVER_NODE_FLAGS, SERVER_START_ARGS } from './node-flags.js';
import { EMAIL_HEAD, EMAIL_TAIL, seedShop } from './personalize-seed.js';
import { runWrk, type StridePaths, weightedQuantiles, wrkInstalled } from './wrk.js';

/**
 * Recommendations and the send-time webhook at scale (issue 6), one run:
 *  1. an embedded database with N profiles (default 1,000,000) and 50,000 products, seeded with raw
 *     bulk inserts (personalize-seed.ts);
 *  2. the precompute of every profile's top 10 (`recomputeRecommendations`) in a process of its
 *     own, so its peak RSS is its own. Target ≤ 5 minutes;
 *  3. GET /v1/personalize on the Node server as `npm start` runs it (built, on that database) against a bare
 *     Hono route answering a body of the same shape (personalize-baseline.ts), each a child
 *     process, 50 connections on loopback, every request a different recipient, in alternating
 *     rounds as test/bench/run.ts measures. Targets: ≥ 60 % of the baseline's throughput, p99 ≤
 *     10 ms, no non-200 answer, server peak RSS ≤ 1.5 GB.
 *
 * `npx tsx test/bench/personalize.ts [profiles] [products]`; BENCH_DURATION_S (10), BENCH_WARMUP_S
 * (3), BENCH_CONNECTIONS (50), BENCH_ROUNDS (5), BENCH_PERSONALIZE_DIR (a folder to keep the database in), BENCH_CPU_PROF (a folder for the
 * server's CPU profile), BENCH_SERVER_FLAGS (more node flags for the server, e.g. `--trace-gc`),
 * BENCH_SERVER_LOG (a file for the end of the server's output).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SLOTS = 'hero,recs';
/** How much of a server's output is kept (for errors, and BENCH_SERVER_LOG). */
const OUTPUT_KEPT = 2_000_000;

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.pid) process.kill(-child.pid, 'SIGKILL');
});

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

interface Server {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
}

/** Starts `node <args>` (node itself: one process per server) and waits for /healthz. */
async function startServer(args: string[], env: Record<string, string>): Promise<Server> {
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
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`${args.at(-1)} exited early:\n${output.slice(-20_000)}`);
    const status = await fetch(`${baseUrl}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { baseUrl, child, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${args.at(-1)} did not start:\n${output.slice(-20_000)}`);
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || !server.child.pid) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(-server.child.pid, 'SIGTERM');
  await exited;
}

/** Peak resident memory of a child process (Linux /proc), in MB. */
function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/**
 * CPU time a child process has used so far (user + system, all its threads; Linux /proc), in µs;
 * with `mainThread`, its main thread's alone (the rest is GC, compiler and worker threads).
 */
function cpuMicros(pid: number | undefined, mainThread = false): number {
  const path = mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

interface Tally {
  /** Latencies in ms of 200 answers, each standing for `weights[i]` requests (1 from autocannon, a thousandth of a round from wrk). */
  latencies: number[];
  weights: number[];
  /** 200 answers. */
  answered: number;
  seconds: number;
  /** The server's CPU time over the measured rounds, in µs. */
  cpuMicros: number;
  /**
   * The server's CPU per answered request in each round, in µs: shows whether a run was slow
   * throughout or in a stretch (docs/benchmarks.md, Tenth session).
   */
  roundCpuUs: number[];
  /** The same for the server's main thread alone. */
  roundMainCpuUs: number[];
  non200: number;
  errors: number;
}

function emptyTally(): Tally {
  return {
    latencies: [],
    weights: [],
    answered: 0,
    seconds: 0,
    cpuMicros: 0,
    roundCpuUs: [],
    roundMainCpuUs: [],
    non200: 0,
    errors: 0,
  };
}

/** Every request names another recipient: a stride through the profiles that visits each once. */
function recipientPaths(profiles: number, salt: number): StridePaths {
  return {
    profiles,
    first: salt,
    stride: 7_919,
    head: `/v1/personalize?email=${encodeURIComponent(EMAIL_HEAD)}`,
    tail: `${encodeURIComponent(EMAIL_TAIL)}&slots=${SLOTS}&n=4&send_id=bench-send`,
  };
}

/** The load generator: wrk when installed (BENCH_DRIVER=autocannon to choose autocannon). */
type Driver = 'wrk' | 'autocannon';

function chooseDriver(): Driver {
  const asked = process.env.BENCH_DRIVER;
  if (asked === 'autocannon') return 'autocannon';
  if (wrkInstalled()) return 'wrk';
  if (asked === 'wrk') throw new Error('BENCH_DRIVER=wrk, but wrk is not installed (apt-get install wrk)');
  process.stderr.write('bench: wrk is not installed (apt-get install wrk); driving with autocannon\n');
  return 'autocannon';
}

async function load(
  driver: Driver,
  baseUrl: string,
  headers: Record<string, string>,
  paths: StridePaths,
  connections: number,
  seconds: number,
  tally?: Tally,
): Promise<void> {
  if (driver === 'wrk') {
    const round = await runWrk({ url: baseUrl, paths, headers, connections, seconds });
    // The next round goes on from where this one stopped, as autocannon's path function does.
    paths.first = (paths.first + round.requests * paths.stride) % paths.profiles;
    if (!tally) return;
    const weight = round.requests / round.quantilesMs.length;
    for (const ms of round.quantilesMs) {
      tally.latencies.push(ms);
      tally.weights.push(weight);
    }
    tally.seconds += round.seconds;
    tally.answered += round.requests - round.statusErrors;
    tally.non200 += round.statusErrors;
    tally.errors += round.socketErrors;
    return;
  }
  const instance = autocannon({
    url: baseUrl + pathAt(paths, paths.first),
    connections,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: nextPath(paths) }) }],
  });
  if (tally) {
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) {
        tally.latencies.push(ms);
        tally.weights.push(1);
        tally.answered++;
      } else tally.non200++;
    });
  }
  const result = await instance;
  if (tally) {
    tally.seconds += result.duration;
    tally.errors += result.errors + result.timeouts;
  }
}

function pathAt(paths: StridePaths, index: number): string {
  return paths.head + index + paths.tail;
}

function nextPath(paths: StridePaths): string {
  paths.first = (paths.first + paths.stride) % paths.profiles;
  return pathAt(paths, paths.first);
}

function summary(tally: Tally) {
  const [p50, p99] = weightedQuantiles(tally.latencies, tally.weights, [0.5, 0.99]) as [number, number];
  return {
    rps: tally.answered / tally.seconds,
    p50,
    p99,
    non200: tally.non200,
    errors: tally.errors,
    cpuPerRequestUs: tally.cpuMicros / tally.answered,
  };
}

/** Per-round figures, `/`-separated, rounded. */
function roundFigures(figures: number[]): string {
  return figures.map((us) => us.toFixed(0)).join('/');
}

async function precomputeInChild(dir: string): Promise<{ seconds: number; rssMb: number; line: string }> {
  const child = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url), '--precompute', dir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`precompute exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function precompute(dir: string): Promise<void> {
  const { deps, close } = await openBenchDeps(dir);
  const started = performance.now();
  const progress = await recomputeRecommendations(deps);
  const seconds = (performance.now() - started) / 1000;
  close();
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const { counts, fit } = progress;
  const line =
    `personalize_precompute: profiles=${counts.profiles} personal=${counts.personal} segment=${counts.segment} ` +
    `global=${counts.global} interactions=${fit?.interactions} lists=${fit?.lists} fit_seconds=${fit?.seconds.toFixed(1)} ` +
    `seconds=${seconds.toFixed(1)} target_seconds=300 peak_rss_mb=${rssMb}`;
  process.stdout.write(`${JSON.stringify({ seconds, rssMb, line })}\n`);
}

export async function benchPersonalize(profileCount = 1_000_000, productCount = 50_000): Promise<string[]> {
  const durationS = envNumber('BENCH_DURATION_S', 10);
  const warmupS = envNumber('BENCH_WARMUP_S', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 50);
  const rounds = envNumber('BENCH_ROUNDS', 5);
  // Before minutes of seeding: a missing wrk that was asked for fails now.
  const driver = chooseDriver();
  // BENCH_PERSONALIZE_DIR keeps the seeded, precomputed database between runs (profiling the
  // webhook without four minutes of seeding each time); its first run fills it.
  const keptDir = process.env.BENCH_PERSONALIZE_DIR;
  const dir = keptDir ?? (await mkdtemp(join(tmpdir(), 'esp-hub-bench-personalize-')));
  const servers: Server[] = [];
  try {
    const prepared = await prepareDatabase(dir, profileCount, productCount, keptDir !== undefined);
    const { precomputed, seedSeconds } = prepared;

    // A kept database already has its admin key: the first run's, kept beside it.
    const adminKey = await benchAdminKey(dir, keptDir !== undefined);
    // The server as `npm start` runs it: built first, then node with its flags.
    buildServer();
    const ours = await startServer(
      [
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        // After npm start's own flags, so that one given here wins.
        ...SERVER_NODE_FLAGS,
        ...(process.env.BENCH_SERVER_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
        ...SERVER_START_ARGS.filter((word) => !word.startsWith('--')),
      ],
      {
        ESP_HUB_DATA_DIR: dir,
        ESP_HUB_DATABASE_URL: `file:${join(dir, 'bench.db')}`,
        ESP_HUB_ADMIN_KEY: adminKey,
        ESP_HUB_SECRET_KEY: randomBytes(32).toString('base64url'),
        ESP_HUB_SCHEDULER: 'off',
        ESP_HUB_LOG_LEVEL: 'warn',
      },
    );
    servers.push(ours);
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${ours.baseUrl}/v1/admin/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'bench esp', role: 'personalize' }),
    });
    const { key } = (await created.json()) as { key: string };
    // The default limit (1,000/s per key) is for one ESP's sends; the benchmark is one key at full speed.
    await fetch(`${ours.baseUrl}/v1/admin/settings/recommendations`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ webhook: { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } } }),
    });
    // Sends are measured once the serving index holds every profile (it loads in the background;
    // until then sends read the database).
    const servingIndex = await waitForServingIndex(ours.baseUrl, admin);
    const headers = { authorization: `Bearer ${key}` };
    const first = await fetch(ours.baseUrl + nextPath(recipientPaths(profileCount, 1)), { headers });
    const sample = await first.text();
    if (first.status !== 200) throw new Error(`preflight answered ${first.status}: ${sample}`);
    const bodyFile = join(dir, 'baseline-body.json');
    await writeFile(bodyFile, sample);
    const baseline = await startServer(['--import', 'tsx', 'test/bench/personalize-baseline.ts'], {
      BENCH_BODY_FILE: bodyFile,
    });
    servers.push(baseline);

    const paths = { ours: recipientPaths(profileCount, 11), baseline: recipientPaths(profileCount, 11) };
    await load(driver, baseline.baseUrl, headers, paths.baseline, connections, warmupS);
    await load(driver, ours.baseUrl, headers, paths.ours, connections, warmupS);
    const tallies = { ours: emptyTally(), baseline: emptyTally() };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
      for (const side of order) {
        const server = side === 'ours' ? ours : baseline;
        const cpuBefore = cpuMicros(server.child.pid);
        const mainBefore = cpuMicros(server.child.pid, true);
        const answeredBefore = tallies[side].answered;
        await load(
          driver,
          server.baseUrl,
          headers,
          paths[side],
          connections,
          durationS / rounds,
          tallies[side],
        );
        const cpuSpent = cpuMicros(server.child.pid) - cpuBefore;
        const mainSpent = cpuMicros(server.child.pid, true) - mainBefore;
        const answered = Math.max(1, tallies[side].answered - answeredBefore);
        tallies[side].cpuMicros += cpuSpent;
        tallies[side].roundCpuUs.push(cpuSpent / answered);
        tallies[side].roundMainCpuUs.push(mainSpent / answered);
      }
    }
    const serverRss = peakRssMb(ours.child.pid);
    const metrics = (await (
      await fetch(`${ours.baseUrl}/v1/admin/metrics/personalize`, { headers: admin })
    ).json()) as {
      answers: Record<string, number>;
      servingIndex: IndexStatus | null;
    };
    const o = summary(tallies.ours);
    const b = summary(tallies.baseline);
    const webhook =
      `personalize_webhook: profiles=${profileCount} products=${productCount} driver=${driver} connections=${connections} ` +
      `rps=${o.rps.toFixed(0)} baseline_rps=${b.rps.toFixed(0)} ratio=${(o.rps / b.rps).toFixed(2)} ` +
      `p50_ms=${o.p50.toFixed(2)} p99_ms=${o.p99.toFixed(2)} baseline_p50_ms=${b.p50.toFixed(2)} baseline_p99_ms=${b.p99.toFixed(2)} ` +
      `cpu_us_per_request=${o.cpuPerRequestUs.toFixed(0)} baseline_cpu_us_per_request=${b.cpuPerRequestUs.toFixed(0)} ` +
      `cpu_us_per_round=${roundFigures(tallies.ours.roundCpuUs)} main_thread_us_per_round=${roundFigures(tallies.ours.roundMainCpuUs)} ` +
      `baseline_cpu_us_per_round=${roundFigures(tallies.baseline.roundCpuUs)} ` +
      `non_200=${o.non200 + o.errors} fallbacks=${(metrics.answers.fallback_timeout ?? 0) + (metrics.answers.fallback_error ?? 0) + (metrics.answers.fallback_unknown_profile ?? 0)} ` +
      `peak_rss_mb=${serverRss} index_profiles=${servingIndex?.profiles ?? 0} index_load_seconds=${servingIndex?.lastLoadSeconds?.toFixed(1)} ` +
      `index_hits=${metrics.servingIndex?.hits} index_misses=${metrics.servingIndex?.misses} ` +
      'targets=ratio>=0.60,p99<=10,non_200=0,rss<=1536';
    return [`${precomputed.line} seed_seconds=${seedSeconds.toFixed(0)}`, webhook];
  } finally {
    for (const server of servers) await stopServer(server);
    if (process.env.BENCH_SERVER_LOG && servers[0])
      await writeFile(process.env.BENCH_SERVER_LOG, servers[0].output());
    if (!keptDir) await rm(dir, { recursive: true, force: true });
  }
}

async function benchAdminKey(dir: string, kept: boolean): Promise<string> {
  const path = join(dir, 'admin.key');
  if (kept && existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = `ehk_${randomBytes(32).toString('base64url')}`;
  if (kept) await writeFile(path, key);
  return key;
}

interface IndexStatus {
  state: string;
  profiles: number;
  lastLoadSeconds: number | null;
  hits: number;
  misses: number;
}

/** The index once loaded, or null when the server runs without one (ESP_HUB_SERVING_INDEX=off). */
async function waitForServingIndex(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<IndexStatus | null> {
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
    const response = await fetch(`${baseUrl}/v1/admin/metrics/personalize`, { headers });
    const { servingIndex } = (await response.json()) as { servingIndex: IndexStatus | null };
    if (!servingIndex) return null;
    if (servingIndex.state === 'ready') return servingIndex;
    if (servingIndex.state === 'failed')
      throw new Error(`serving index failed: ${JSON.stringify(servingIndex)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the serving index did not load within 5 minutes');
}

interface PreparedDatabase {
  precomputed: { seconds: number; rssMb: number; line: string };
  seedSeconds: number;
  profiles: number;
  products: number;
}

/** Seeds and precomputes in `dir`, or (kept) reuses what an earlier run of the same size left there. */
async function prepareDatabase(
  dir: string,
  profiles: number,
  products: number,
  kept: boolean,
): Promise<PreparedDatabase> {
  const marker = join(dir, 'prepared.json');
  if (kept && existsSync(marker)) {
    const earlier = JSON.parse(readFileSync(marker, 'utf8')) as PreparedDatabase;
    if (earlier.profiles === profiles && earlier.products === products) {
      process.stderr.write(`bench: reusing the database in ${dir}\n`);
      return earlier;
    }
    throw new Error(
      `${dir} holds ${earlier.profiles} profiles and ${earlier.products} products; use another folder`,
    );
  }
  await mkdir(dir, { recursive: true });
  const seedStarted = performance.now();
  const { deps, close } = await openBenchDeps(dir);
  await seedShop(deps, profiles, products, Date.now());
  close();
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  process.stderr.write(`bench: seeded ${profiles} profiles in ${seedSeconds.toFixed(0)} s\n`);
  const precomputed = await precomputeInChild(dir);
  process.stderr.write(`bench: ${precomputed.line}\n`);
  const prepared = { precomputed, seedSeconds, profiles, products };
  if (kept) await writeFile(marker, JSON.stringify(prepared));
  return prepared;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--precompute') {
    await precompute(process.argv[3]!);
  } else {
    const lines = await benchPersonalize(
      Number(process.argv[2] ?? 1_000_000),
      Number(process.argv[3] ?? 50_000),
    );
    for (const line of lines) console.log(line);
  }
}
