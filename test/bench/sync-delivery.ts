import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineArgs, EngineReport } from './sync-bench-engine.js';
import { type RoleProcess, startRole } from './sync-bench-process.js';

/**
 * The sync engine end to end: seeded profiles → engine → real connector → real HTTP → a
 * behavioural fake vendor. Seeding, the fake vendor and the engine each run in a process of their
 * own (sync-bench-seed.ts, sync-bench-vendor.ts, sync-bench-engine.ts), so `peak_rss_mb` is the
 * engine process's alone and the fake does not compete with it for the event loop.
 *
 * - sync_delivery: N profiles (default 100,000) to the fake Mailchimp-style ESP with 10% of write
 *   requests failing (5% 429 with a real 1 s Retry-After, 5% 503), in pages of 5,000 (the largest
 *   a sync allows: the memory worst case). Delivered = members at the ESP, duplicates = members
 *   written by more than one accepted request.
 * - sync_rerun: the same N again with nothing changed (a new engine process); write_calls are
 *   requests at the ESP.
 * - sync_ratelimited (syncs with the default page size, 500): against HubSpot's documented budget (100 requests per rolling 10 s on the
 *   lowest tier, the connector's declared limit; 100 contacts per batch upsert) served by the fake
 *   HubSpot: ceiling 1,000 records/s. Then Mailchimp, which publishes no request rate, only a cap of
 *   10 simultaneous connections: the fake refuses an 11th open connection (429) and takes 1 s over
 *   each call, so the ceiling is 10 connections × 500 records per second, reached by a client
 *   that keeps all 10 busy from its first call to its last.
 *
 * Run alone: `npx tsx test/bench/sync-delivery.ts`. BENCH_SYNC_PROFILES, BENCH_SYNC_RATE_PROFILES
 * change the sizes; BENCH_SYNC_PART=delivery|rate runs one half.
 */
/**
 * Mailchimp's documented limit: 10 simultaneous connections per account (no request rate). The
 * fake answers the 11th open connection 429 and takes this long over each batch subscribe call,
 * an assumption (Mailchimp publishes no figure; real 500-member calls take longer, which only makes
 * the ceiling easier to reach).
 */
const MAILCHIMP_CONNECTIONS = 10;
const MAILCHIMP_SERVICE_MS = 1000;

const MAILCHIMP_FIELDS = [
  { from: 'traits.first_name', to: 'FNAME' },
  { from: 'traits.last_name', to: 'LNAME' },
  { from: 'traits.plan', to: 'PLAN', transforms: [{ type: 'uppercase' }] },
];

interface EspReady {
  baseUrl: string;
  apiKey: string;
  listId: string;
}
interface EspStats {
  requests: number;
  writeRequests: number;
  rateLimited: number;
  serverErrors: number;
  resets: number;
  members: number;
  duplicates: number;
}

async function seeded(n: number): Promise<{ dir: string; seconds: number; peakRssMb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'esp-hub-bench-sync-'));
  const seeder = startRole('sync-bench-seed.ts', { dir, n });
  const done = await seeder.event<{ seconds: number; peakRssMb: number }>('done');
  await seeder.exited;
  return { dir, ...done };
}

// One key for every engine process of a run: a rerun must open the secrets the first run sealed.
const SECRET_KEY_HEX = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');

async function runEngine(args: Omit<EngineArgs, 'secretKeyHex'>): Promise<EngineReport> {
  const engine = startRole('sync-bench-engine.ts', { ...args, secretKeyHex: SECRET_KEY_HEX });
  const report = await engine.event<EngineReport>('done');
  await engine.exited;
  if (report.status !== 'succeeded') throw new Error(`sync run ended ${report.status}`);
  return report;
}

/** `pageSize` undefined: the sync default (500). */
function mailchimpSync(name: string, esp: EspReady, pageSize?: number): EngineArgs['create'] {
  return {
    name,
    connectorId: 'mailchimp',
    config: { apiKey: esp.apiKey, baseUrl: esp.baseUrl, listId: esp.listId },
    definition: {
      fields: MAILCHIMP_FIELDS,
      ...(pageSize === undefined ? {} : { pageSize }),
      // 10% failures: ten attempts make a batch failing every time (1e-10) practically impossible.
      retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5000 },
    },
  };
}

async function closeVendor(vendor: RoleProcess): Promise<void> {
  await vendor.request('close').catch(() => undefined);
  await vendor.exited.catch(() => undefined);
}

async function deliveryAndRerun(n: number): Promise<string[]> {
  const seed = await seeded(n);
  const vendor = startRole('sync-bench-vendor.ts', {
    kind: 'esp',
    options: { rate429: 0.05, rate5xx: 0.05, retryAfterSeconds: 1, seed: 11 },
  });
  try {
    const esp = await vendor.event<EspReady>('ready');
    const first = await runEngine({ dir: seed.dir, create: mailchimpSync('bench delivery', esp, 5000) });
    const stats = await vendor.request<EspStats>('stats');
    const check = await vendor.request<{ wrong: number; members: number; duplicates: number }>('verify', {
      n,
    });
    const failedRequests = stats.rateLimited + stats.serverErrors + stats.resets;
    await vendor.request('reset');
    const rerun = await runEngine({ dir: seed.dir, syncId: first.syncId });
    const after = await vendor.request<EspStats>('stats');
    return [
      `sync_delivery: profiles=${n} delivered=${check.members} wrong_fields=${check.wrong} duplicates=${check.duplicates} ` +
        `failed_records=${first.counts.failed} seconds=${first.seconds.toFixed(1)} ` +
        `records_per_s=${Math.round(n / first.seconds)} peak_rss_mb=${first.peakRssMb} peak_heap_mb=${first.peakHeapMb} ` +
        `target_rss_mb=512 requests=${stats.requests} failed_requests=${failedRequests} ` +
        `failed_ratio=${(failedRequests / stats.requests).toFixed(3)} seed_seconds=${seed.seconds.toFixed(1)} ` +
        `seed_peak_rss_mb=${seed.peakRssMb}`,
      `sync_rerun: profiles=${n} write_calls=${after.writeRequests} requests=${after.requests} ` +
        `unchanged=${rerun.counts.unchanged} seconds=${rerun.seconds.toFixed(1)} target_seconds=10 ` +
        `peak_rss_mb=${rerun.peakRssMb}`,
    ];
  } finally {
    await closeVendor(vendor);
    await rm(seed.dir, { recursive: true, force: true });
  }
}

async function rateLimited(n: number): Promise<string[]> {
  const seed = await seeded(n);
  const lines: string[] = [];
  try {
    const hubspotVendor = startRole('sync-bench-vendor.ts', { kind: 'hubspot', requestsPerTenSeconds: 100 });
    try {
      const hubspot = await hubspotVendor.event<{ url: string; token: string }>('ready');
      const run = await runEngine({
        dir: seed.dir,
        create: {
          name: 'bench hubspot',
          connectorId: 'hubspot',
          config: { accessToken: hubspot.token, basePath: hubspot.url },
          definition: {
            fields: [
              { from: 'traits.first_name', to: 'firstname' },
              { from: 'traits.last_name', to: 'lastname' },
            ],
            retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 },
          },
        },
      });
      const seen = await hubspotVendor.request<{ calls: number; rejected429: number }>('stats');
      lines.push(
        throughputLine(
          'hubspot',
          n,
          run,
          { kind: 'rate', requests: 100, windowMs: 10_000, batch: 100 },
          seen,
        ),
      );
    } finally {
      await closeVendor(hubspotVendor);
    }

    const espVendor = startRole('sync-bench-vendor.ts', {
      kind: 'esp',
      options: { maxConnections: MAILCHIMP_CONNECTIONS, delayMs: MAILCHIMP_SERVICE_MS },
    });
    try {
      const esp = await espVendor.event<EspReady>('ready');
      const run = await runEngine({ dir: seed.dir, create: mailchimpSync('bench mailchimp paced', esp) });
      const stats = await espVendor.request<EspStats>('stats');
      lines.push(
        throughputLine(
          'mailchimp',
          n,
          run,
          {
            kind: 'connections',
            connections: MAILCHIMP_CONNECTIONS,
            serviceMs: MAILCHIMP_SERVICE_MS,
            batch: 500,
          },
          { calls: stats.requests, rejected429: stats.rateLimited },
        ),
      );
    } finally {
      await closeVendor(espVendor);
    }
    return lines;
  } finally {
    await rm(seed.dir, { recursive: true, force: true });
  }
}

type VendorLimit =
  | { kind: 'rate'; requests: number; windowMs: number; batch: number }
  | { kind: 'connections'; connections: number; serviceMs: number; batch: number };

function throughputLine(
  vendor: string,
  n: number,
  run: EngineReport,
  limit: VendorLimit,
  seen: { calls: number; rejected429: number },
): string {
  const calls = Math.ceil(n / limit.batch);
  let ceiling: number;
  let idealSeconds: number;
  let shown: string;
  if (limit.kind === 'rate') {
    ceiling = (limit.requests * limit.batch * 1000) / limit.windowMs;
    // A perfect client spends each window's budget at once as the window opens, so its last call
    // starts (ceil(calls / budget) - 1) windows after its first, and calls take no time: that
    // time, against ours, is the share of the ceiling we reach. Refused calls are our loss.
    idealSeconds = ((Math.ceil(calls / limit.requests) - 1) * limit.windowMs) / 1000;
    shown = `budget=${limit.requests}/${limit.windowMs}ms`;
  } else {
    ceiling = (limit.connections * limit.batch * 1000) / limit.serviceMs;
    // A perfect client keeps every allowed connection busy from the first call to the last: calls
    // in rounds of `connections`, each taking exactly the vendor's service time.
    idealSeconds = (Math.ceil(calls / limit.connections) * limit.serviceMs) / 1000;
    shown = `connections=${limit.connections} service_ms=${limit.serviceMs}`;
  }
  const ratio = idealSeconds / run.seconds;
  return (
    `sync_ratelimited: vendor=${vendor} profiles=${n} delivered=${run.counts.ok} seconds=${run.seconds.toFixed(1)} ` +
    `records_per_s=${Math.round(ratio * ceiling)} raw_records_per_s=${Math.round(n / run.seconds)} ` +
    `ceiling_records_per_s=${Math.round(ceiling)} ratio=${ratio.toFixed(2)} ideal_seconds=${idealSeconds.toFixed(1)} ` +
    `calls=${seen.calls} rejected_429=${seen.rejected429} ${shown} batch=${limit.batch} ` +
    `peak_rss_mb=${run.peakRssMb}`
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
