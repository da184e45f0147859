import { createSecretBox } from '../../src/lib/secret-box.js';
import { createConnection } from '../../src/services/connections.js';
import { createSync } from '../../src/services/syncs.js';
import { executeRun, startRun } from '../../src/sync/engine.js';
import { openBenchDeps } from './bench-deps.js';
import { emit, peakRssMb, roleArgs } from './sync-bench-process.js';

/**
 * The sync engine for the sync benchmark, alone in its process: opens the seeded database,
 * creates the connection and sync it is given (or reruns an existing sync), runs it to the end and
 * reports the outcome with this process's peak RSS, which is then the engine's (plus the runtime's
 * own baseline: Node, tsx and the app's modules).
 */
export interface EngineArgs {
  dir: string;
  /** Seals the connection's secrets; the same for every engine process on one database. */
  secretKeyHex: string;
  /** An existing sync to run again; otherwise `create` says what to set up. */
  syncId?: string;
  create?: { name: string; connectorId: string; config: Record<string, unknown>; definition: unknown };
}

export interface EngineReport {
  syncId: string;
  status: string;
  counts: Record<string, number>;
  seconds: number;
  peakRssMb: number;
  /** Sampled every 50 ms during the run. */
  peakHeapMb: number;
}

const SYSTEM = { principal: null };

async function main(): Promise<void> {
  const args = roleArgs<EngineArgs>();
  const { deps, close } = await openBenchDeps(args.dir);
  deps.secrets = await createSecretBox(Uint8Array.from(Buffer.from(args.secretKeyHex, 'hex')));
  let syncId = args.syncId;
  if (!syncId) {
    const create = args.create!;
    const connection = await createConnection(deps, SYSTEM, {
      connectorId: create.connectorId,
      name: create.name,
      config: create.config,
    });
    syncId = (
      await createSync(deps, SYSTEM, {
        name: create.name,
        destinationId: connection.id,
        definition: create.definition,
      })
    ).id;
  }
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const started = performance.now();
  const result = await executeRun(deps, await startRun(deps, syncId, { dryRun: false }));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  close();
  const report: EngineReport = {
    syncId,
    status: result.status,
    counts: result.counts,
    seconds,
    peakRssMb: peakRssMb(),
    peakHeapMb: Math.round(peakHeap / 2 ** 20),
  };
  await emit('done', { ...report });
}

await main();
