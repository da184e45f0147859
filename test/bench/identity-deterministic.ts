import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { atomic } from '../../src/db/atomic.js';
import { bulkInsert } from '../../src/db/bulk.js';
import { identities } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord, IngestResult } from '../../src/ingest/types.js';
import { seededRandom } from '../../src/lib/random.js';
import { openBenchDeps } from './bench-deps.js';

/**
 * Deterministic resolution of N identify records with three identifier types (user id, email,
 * phone), 10% of them overlapping earlier ones: re-seen people with a new identifier, and bridges
 * between two people. Ours: the full ingest pipeline on an embedded libSQL file, in batches.
 * Baseline, same run and same file system: inserting the same identifier rows with plain batched
 * inserts and no resolution, i.e. the storage floor. Peak RSS is read from the OS for this process.
 *
 * Run alone: `npx tsx test/bench/identity-deterministic.ts [N]`.
 */
// A bulk resolution job (an initial CRM import) takes records in large batches; BENCH_IDENTITY_BATCH overrides.
const BATCH = Number(process.env.BENCH_IDENTITY_BATCH ?? 20_000);

const phoneOf = (n: number) => `+1415${String(2000000 + (n % 7999999)).padStart(7, '0')}`;

/** Record i of the synthetic stream; 90% new people, 10% overlapping earlier ones. */
function* records(n: number): Generator<IngestRecord> {
  const random = seededRandom(42);
  const fresh = Math.floor(n * 0.9);
  const observedAt = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    if (i < fresh || i === 0) {
      // One person in five has no user id yet (anonymous shoppers), so bridges can merge them.
      const anonymous = i % 5 === 0;
      yield {
        source: 'bench',
        identifiers: {
          ...(anonymous ? {} : { userId: `u${i}` }),
          email: `person${i}@example.com`,
          phone: phoneOf(i),
        },
        traits: { first_name: `P${i}`, plan: i % 3 === 0 ? 'pro' : 'free' },
        observedAt,
      };
      continue;
    }
    const j = Math.floor(random() * Math.min(i, fresh));
    const kind = i % 3;
    if (kind === 0) {
      // Seen again through their email, with a new phone.
      yield {
        source: 'bench',
        identifiers: { email: `person${j}@example.com`, phone: phoneOf(n + i) },
        observedAt,
      };
    } else if (kind === 1) {
      // Seen again through their phone, with a new email.
      yield { source: 'bench', identifiers: { phone: phoneOf(j), email: `alt${i}@example.com` }, observedAt };
    } else {
      // A bridge: one person's email with an anonymous person's phone.
      const k = Math.floor(random() * (fresh / 5)) * 5;
      yield {
        source: 'bench',
        identifiers: { email: `person${j}@example.com`, phone: phoneOf(k) },
        observedAt,
      };
    }
  }
}

async function runOurs(n: number, dir: string) {
  const { deps, close } = await openBenchDeps(dir);
  const started = performance.now();
  let batch: IngestRecord[] = [];
  let stored = 0;
  // Two batches in flight, as a bulk job keeps them: the next one is prepared while one is written.
  let inFlight: Promise<IngestResult[]> | undefined;
  const submit = async (next: IngestRecord[] | undefined) => {
    const queued = next ? ingest(deps, next) : undefined;
    if (inFlight) stored += (await inFlight).filter((r) => r.status === 'stored').length;
    inFlight = queued;
  };
  for (const record of records(n)) {
    batch.push(record);
    if (batch.length === BATCH) {
      await submit(batch);
      batch = [];
    }
  }
  if (batch.length) await submit(batch);
  await submit(undefined);
  const seconds = (performance.now() - started) / 1000;
  const count = async (table: string) =>
    Number((await deps.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]!.n);
  const live = Number(
    (await deps.db.all<{ n: number }>(sql`select count(*) as n from profiles where merged_into is null`))[0]!
      .n,
  );
  const result = {
    seconds,
    stored,
    profiles: live,
    merges: await count('merges'),
    conflicts: await count('identity_conflicts'),
  };
  close();
  return result;
}

async function runBaseline(n: number, dir: string) {
  const { deps, close } = await openBenchDeps(dir);
  const started = performance.now();
  const now = new Date();
  let rows: Array<typeof identities.$inferInsert> = [];
  const flush = async () => {
    await atomic(deps.db, bulkInsert(identities, rows, deps.sqlParamLimit, 'on conflict do nothing'));
    rows = [];
  };
  let i = 0;
  for (const record of records(n)) {
    const ids = record.identifiers;
    for (const [type, value] of [
      ['user_id', ids.userId],
      ['email', ids.email],
      ['phone', ids.phone],
    ] as const) {
      if (!value) continue;
      const key = `${type}\u001f${value}`;
      rows.push({
        profileId: `prof_${i}`,
        originProfileId: `prof_${i}`,
        key,
        type,
        value,
        rawValue: value,
        valid: true,
        source: 'bench',
        firstSeenAt: now,
        lastSeenAt: now,
      });
    }
    if (++i % BATCH === 0) await flush();
  }
  await flush();
  const seconds = (performance.now() - started) / 1000;
  close();
  return { seconds };
}

export async function benchDeterministicResolution(n = 1_000_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'esp-hub-bench-det-'));
  try {
    await mkdir(join(dir, 'baseline'));
    await mkdir(join(dir, 'ours'));
    const baseline = await runBaseline(n, join(dir, 'baseline'));
    const ours = await runOurs(n, join(dir, 'ours'));
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    return [
      `identity_deterministic: records=${n} seconds=${ours.seconds.toFixed(1)} records_per_s=${Math.round(n / ours.seconds)} ` +
        `peak_rss_mb=${peakRssMb} profiles=${ours.profiles} merges=${ours.merges} conflicts=${ours.conflicts} ` +
        `baseline_seconds=${baseline.seconds.toFixed(1)} ratio=${(baseline.seconds / ours.seconds).toFixed(2)}`,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 1_000_000);
  for (const line of await benchDeterministicResolution(n)) console.log(line);
}
