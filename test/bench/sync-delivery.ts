import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDeps } from '../../src/app-deps.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { createConnection } from '../../src/services/connections.js';
import { createSync } from '../../src/services/syncs.js';
import { executeRun, startRun } from '../../src/sync/engine.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';
import { FAKE_TOKEN, startFakeHubspot } from '../fakes/hubspot/server.js';
import { openBenchDeps } from './bench-deps.js';

/**
 * The sync engine end to end: seeded profiles → engine → real connector → real HTTP → a
 * behavioural fake ESP, in this process.
 *
 * - sync_delivery: N profiles (default 100,000) to the fake Mailchimp-style ESP with 10% of write
 *   requests failing (5% 429 with a real 1 s Retry-After, 5% 503). Delivered = members at the ESP,
 *   duplicates = members written by more than one accepted request. Peak RSS is this whole
 *   process (seeding, the engine and the fake's own member store included), so an upper bound.
 * - sync_rerun: the same N again with nothing changed; write_calls are requests at the ESP.
 * - sync_ratelimited: against HubSpot's documented budget (100 requests per rolling 10 s on the
 *   lowest tier, the connector's declared limit; 100 contacts per batch upsert) served by the fake
 *   HubSpot: ceiling 1,000 records/s. Sustained throughput is the ceiling scaled by the time a
 *   perfect client would need (whole windows) over ours; raw records/s is shown too. Then the same with the
 *   Mailchimp connector, which declares no request rate (Mailchimp publishes none), against the
 *   fake ESP holding it to 10 requests per second: pacing is then learnt from 429s alone.
 *
 * Run alone: `npx tsx test/bench/sync-delivery.ts`. BENCH_SYNC_PROFILES, BENCH_SYNC_RATE_PROFILES
 * change the sizes.
 */
const SEED_BATCH = 20_000;
const SYSTEM = { principal: null };

const person = (i: number): IngestRecord => ({
  source: 'bench',
  identifiers: { email: `person${i}@example.com` },
  traits: { first_name: `P${i}`, last_name: `L${i}`, plan: i % 3 === 0 ? 'pro' : 'free' },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});

async function seed(deps: AppDeps, n: number): Promise<void> {
  for (let start = 0; start < n; start += SEED_BATCH) {
    const batch: IngestRecord[] = [];
    for (let i = start; i < Math.min(n, start + SEED_BATCH); i++) batch.push(person(i));
    await ingest(deps, batch);
  }
}

async function mailchimpSync(deps: AppDeps, esp: FakeEsp, name: string) {
  const connection = await createConnection(deps, SYSTEM, {
    connectorId: 'mailchimp',
    name,
    config: { apiKey: esp.apiKey, baseUrl: esp.baseUrl, listId: esp.listId },
  });
  return createSync(deps, SYSTEM, {
    name,
    destinationId: connection.id,
    definition: {
      fields: [
        { from: 'traits.first_name', to: 'FNAME' },
        { from: 'traits.last_name', to: 'LNAME' },
        { from: 'traits.plan', to: 'PLAN', transforms: [{ type: 'uppercase' }] },
      ],
      pageSize: 5000,
      // 10% failures: ten attempts make a batch failing every time (1e-10) practically impossible.
      retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5000 },
    },
  });
}

async function timedRun(deps: AppDeps, syncId: string) {
  const started = performance.now();
  const result = await executeRun(deps, await startRun(deps, syncId, { dryRun: false }));
  if (result.status !== 'succeeded') throw new Error(`run ${result.runId} failed: ${result.error}`);
  return { result, seconds: (performance.now() - started) / 1000 };
}

async function deliveryAndRerun(n: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'esp-hub-bench-sync-'));
  const { deps, close } = await openBenchDeps(dir);
  const esp = await startFakeEsp({ rate429: 0.05, rate5xx: 0.05, retryAfterSeconds: 1, seed: 11 });
  try {
    const seedStarted = performance.now();
    await seed(deps, n);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const seedPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const sync = await mailchimpSync(deps, esp, 'bench delivery');

    // maxRSS only grows, and seeding (large ingest batches) sets it first: the run's own peak is sampled.
    global.gc?.();
    let runPeakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      runPeakRss = Math.max(runPeakRss, process.memoryUsage().rss);
    }, 20);
    const first = await timedRun(deps, sync.id).finally(() => clearInterval(sampler));
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const member = esp.member(`person${i}@example.com`);
      if (member?.mergeFields.FNAME !== `P${i}` || member.mergeFields.LNAME !== `L${i}`) wrong++;
    }
    const counters = { ...esp.counters };
    const failedRequests = counters.rateLimited + counters.serverErrors + counters.resets;
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    esp.resetCounters();
    const rerun = await timedRun(deps, sync.id);
    return [
      `sync_delivery: profiles=${n} delivered=${esp.memberCount()} wrong_fields=${wrong} duplicates=${esp.duplicates()} ` +
        `failed_records=${first.result.counts.failed} seconds=${first.seconds.toFixed(1)} ` +
        `records_per_s=${Math.round(n / first.seconds)} peak_rss_mb=${peakRssMb} run_peak_rss_mb=${Math.round(runPeakRss / 2 ** 20)} ` +
        `seed_peak_rss_mb=${seedPeakRssMb} requests=${counters.requests} ` +
        `failed_requests=${failedRequests} failed_ratio=${(failedRequests / counters.requests).toFixed(3)} ` +
        `seed_seconds=${seedSeconds.toFixed(1)}`,
      `sync_rerun: profiles=${n} write_calls=${esp.counters.writeRequests} requests=${esp.counters.requests} ` +
        `unchanged=${rerun.result.counts.unchanged} seconds=${rerun.seconds.toFixed(1)} target_seconds=10`,
    ];
  } finally {
    await esp.close();
    close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function rateLimited(n: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'esp-hub-bench-sync-rate-'));
  const { deps, close } = await openBenchDeps(dir);
  const hubspot = await startFakeHubspot({ requestsPerTenSeconds: 100 });
  const esp = await startFakeEsp({ budget: { requests: 10, windowMs: 1000 } });
  try {
    await seed(deps, n);
    const lines: string[] = [];

    const connection = await createConnection(deps, SYSTEM, {
      connectorId: 'hubspot',
      name: 'fake hubspot',
      config: { accessToken: FAKE_TOKEN, basePath: hubspot.url },
    });
    const sync = await createSync(deps, SYSTEM, {
      name: 'bench hubspot',
      destinationId: connection.id,
      definition: {
        fields: [
          { from: 'traits.first_name', to: 'firstname' },
          { from: 'traits.last_name', to: 'lastname' },
        ],
        pageSize: 5000,
        retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 },
      },
    });
    const hub = await timedRun(deps, sync.id);
    const hubCalls = hubspot.requests.filter((r) => r.path.endsWith('/batch/upsert'));
    lines.push(
      throughputLine(
        'hubspot',
        n,
        hub.seconds,
        { requests: 100, windowMs: 10_000, batch: 100 },
        {
          ok: hub.result.counts.ok,
          calls: hubCalls.length,
          rejected429: hubCalls.filter((r) => r.status === 429).length,
        },
      ),
    );

    const mailchimp = await mailchimpSync(deps, esp, 'bench mailchimp paced');
    const chimp = await timedRun(deps, mailchimp.id);
    lines.push(
      throughputLine(
        'mailchimp',
        n,
        chimp.seconds,
        { requests: 10, windowMs: 1000, batch: 500 },
        {
          ok: chimp.result.counts.ok,
          calls: esp.counters.requests,
          rejected429: esp.counters.rateLimited,
        },
      ),
    );
    return lines;
  } finally {
    await hubspot.close();
    await esp.close();
    close();
    await rm(dir, { recursive: true, force: true });
  }
}

function throughputLine(
  vendor: string,
  n: number,
  seconds: number,
  budget: { requests: number; windowMs: number; batch: number },
  seen: { ok: number; calls: number; rejected429: number },
): string {
  const ceiling = (budget.requests * budget.batch * 1000) / budget.windowMs;
  // A perfect client spends each window's budget at once as the window opens, so its last call
  // starts (ceil(calls / budget) - 1) windows after its first: that time, against ours, is the
  // share of the ceiling we reach. The call count excludes refused calls (those are our loss).
  const idealSeconds = ((Math.ceil(n / budget.batch / budget.requests) - 1) * budget.windowMs) / 1000;
  const ratio = idealSeconds / seconds;
  return (
    `sync_ratelimited: vendor=${vendor} profiles=${n} delivered=${seen.ok} seconds=${seconds.toFixed(1)} ` +
    `records_per_s=${Math.round(ratio * ceiling)} raw_records_per_s=${Math.round(n / seconds)} ` +
    `ceiling_records_per_s=${Math.round(ceiling)} ratio=${ratio.toFixed(2)} ideal_seconds=${idealSeconds.toFixed(1)} ` +
    `calls=${seen.calls} rejected_429=${seen.rejected429} budget=${budget.requests}/${budget.windowMs}ms batch=${budget.batch}`
  );
}

export async function benchSyncDelivery(): Promise<string[]> {
  const n = Number(process.env.BENCH_SYNC_PROFILES ?? 100_000);
  const rateN = Number(process.env.BENCH_SYNC_RATE_PROFILES ?? 40_000);
  const only = process.env.BENCH_SYNC_PART;
  return [
    ...(only === 'rate' ? [] : await deliveryAndRerun(n)),
    ...(only === 'delivery' ? [] : await rateLimited(rateN)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await benchSyncDelivery()) console.log(line);
}
