import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * wrk (https://github.com/wg/wrk, Debian package `wrk`) as a load generator: a C program on epoll
 * that costs a fraction of the CPU per request that autocannon (JavaScript) does. On a 2-core
 * machine the generator shares the cores with the server under test; autocannon needs about as
 * much CPU per request as the server itself, so its own event-loop delays end up in the latencies
 * it reports (docs/benchmarks.md, "The load generator").
 */

const SCRIPT = fileURLToPath(new URL('./wrk-recipients.lua', import.meta.url));
/** How many evenly spaced quantiles the script prints; rounds merge through them. */
const QUANTILES = 1000;

export function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1 when it is there; only a missing binary throws ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Paths of the form head + index + tail, the index striding through `profiles` from `first`. */
export interface StridePaths {
  profiles: number;
  first: number;
  stride: number;
  head: string;
  tail: string;
}

export interface WrkRound {
  requests: number;
  seconds: number;
  /** Answers with a status of 400 or more (wrk's `errors.status`). */
  statusErrors: number;
  /** Connect, read, write errors and timeouts. */
  socketErrors: number;
  /** Latency in ms at the quantiles 0.1 %, 0.2 %, … 100 %: each stands for a thousandth of the requests. */
  quantilesMs: number[];
}

export async function runWrk(options: {
  url: string;
  paths: StridePaths;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<WrkRound> {
  const { url, paths, headers, connections, seconds } = options;
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    '--timeout',
    '2s',
    '-s',
    SCRIPT,
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    url,
    '--',
    String(paths.profiles),
    String(paths.first),
    String(paths.stride),
    paths.head,
    paths.tail,
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('wrk', args, { maxBuffer: 10_000_000 }, (error, out, err) =>
      error ? reject(new Error(`wrk failed: ${error.message}\n${err}`)) : resolve(out),
    ),
  );
  return parseWrkOutput(stdout);
}

/** Reads the two lines wrk-recipients.lua prints at the end of a run. */
export function parseWrkOutput(stdout: string): WrkRound {
  const counts = /^wrk-counts (.*)$/m.exec(stdout)?.[1];
  const quantiles = /^wrk-quantiles-us (.*)$/m.exec(stdout)?.[1];
  if (!counts || !quantiles) throw new Error(`wrk printed no results:\n${stdout.slice(-2_000)}`);
  const field = (name: string) => {
    const value = new RegExp(`\\b${name}=(\\d+)`).exec(counts)?.[1];
    if (value === undefined) throw new Error(`wrk's counts lack ${name}: ${counts}`);
    return Number(value);
  };
  const quantilesMs = quantiles
    .trim()
    .split(/\s+/)
    .map((us) => Number(us) / 1000);
  if (quantilesMs.length !== QUANTILES || quantilesMs.some((ms) => !Number.isFinite(ms))) {
    throw new Error(`wrk printed ${quantilesMs.length} quantiles, expected ${QUANTILES}`);
  }
  return {
    requests: field('requests'),
    seconds: field('duration_us') / 1e6,
    statusErrors: field('status'),
    socketErrors: field('connect') + field('read') + field('write') + field('timeout'),
    quantilesMs,
  };
}

/**
 * For each fraction in `qs`, the value below which that fraction of the weight lies: `values[i]`
 * stands for `weights[i]` requests (1 for a measured latency, a thousandth of a round for one of
 * wrk's quantiles). NaN when there are no values.
 */
export function weightedQuantiles(
  values: readonly number[],
  weights: readonly number[],
  qs: readonly number[],
): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return qs.map((q) => {
    let seen = 0;
    for (const i of order) {
      seen += weights[i]!;
      if (seen >= q * total) return values[i]!;
    }
    return Number.NaN;
  });
}
