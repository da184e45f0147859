import { ingest } from '../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { openBenchDeps } from './bench-deps.js';
import { emit, peakRssMb, roleArgs } from './sync-bench-process.js';

/**
 * Seeding for the sync benchmark, in a process of its own: `n` identify records through the full
 * ingest pipeline into `<dir>/bench.db`, then it reports and exits. Person i has the email
 * person<i>@example.com, first name P<i> and last name L<i> (what the vendor side checks).
 */
const SEED_BATCH = 20_000;

export const benchPerson = (i: number): IngestRecord => ({
  source: 'bench',
  identifiers: { email: `person${i}@example.com` },
  traits: { first_name: `P${i}`, last_name: `L${i}`, plan: i % 3 === 0 ? 'pro' : 'free' },
  observedAt: new Date('2026-01-01T00:00:00Z'),
});

async function main(): Promise<void> {
  const { dir, n } = roleArgs<{ dir: string; n: number }>();
  const { deps, close } = await openBenchDeps(dir);
  const started = performance.now();
  for (let start = 0; start < n; start += SEED_BATCH) {
    const batch: IngestRecord[] = [];
    for (let i = start; i < Math.min(n, start + SEED_BATCH); i++) batch.push(benchPerson(i));
    await ingest(deps, batch);
  }
  close();
  await emit('done', { seconds: (performance.now() - started) / 1000, peakRssMb: peakRssMb() });
}

await main();
