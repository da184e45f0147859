import { and, count, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { splitSecrets } from '../connector-kit/secret.js';
import type { DestinationRecord, RecordResult } from '../connector-kit/types.js';
import { atomic, type Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { chunked } from '../db/chunk.js';
import { isUniqueViolation } from '../db/errors.js';
import { profiles, syncFailures, syncFingerprints, syncRuns, syncs } from '../db/schema/index.js';
import { AppError } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { errorFields } from '../lib/logger.js';
import { loadConnection } from '../services/connections.js';
import { type SyncDefinition, syncDefinitionSchema } from './definition.js';
import { deliverBatch } from './deliver.js';
import { loadProfilePage } from './load-page.js';
import { fingerprint, mapProfile } from './map-profile.js';
import { accountKeyOf, budgetFor } from './rate-budget.js';

/** A run whose heartbeat is older than this was orphaned by a crash or restart and may be resumed. */
export const STALE_RUN_MS = 2 * 60_000;

/**
 * STALE_RUN_MS, or ESP_HUB_STALE_RUN_MS when set: end-to-end tests kill the process and resume
 * at once rather than wait two minutes. Read per call (and through globalThis, since Workers
 * may have no `process`), so nothing is read at import time.
 */
export function staleRunMs(): number {
  const raw = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.ESP_HUB_STALE_RUN_MS;
  const parsed = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : STALE_RUN_MS;
}

export type RunCounts = (typeof syncRuns.$inferSelect)['counts'];
const ZERO: RunCounts = { scanned: 0, unchanged: 0, sent: 0, ok: 0, failed: 0, skipped: 0 };

export interface DryRunChange {
  profileId: string;
  email: string;
  change: 'create_or_update';
  fields: Record<string, unknown>;
}

/**
 * Claims the sync's one active run: a new row, or the orphaned running row of a crashed process
 * (resumed from its checkpoint). The partial unique index on `sync_runs` makes a second active
 * run impossible, across processes too.
 */
export async function startRun(deps: AppDeps, syncId: string, options: { dryRun: boolean }) {
  const now = deps.now();
  const [stale] = await deps.db
    .select()
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.syncId, syncId),
        eq(syncRuns.status, 'running'),
        lt(syncRuns.heartbeatAt, new Date(now.getTime() - staleRunMs())),
      ),
    );
  if (stale && !options.dryRun) {
    await deps.db.update(syncRuns).set({ heartbeatAt: now }).where(eq(syncRuns.id, stale.id));
    deps.logger.warn('resuming an orphaned sync run from its checkpoint', {
      syncId,
      runId: stale.id,
      checkpoint: stale.checkpoint,
    });
    return { ...stale, heartbeatAt: now };
  }
  // The number of live profiles when the run starts: the denominator of its progress and ETA.
  const [{ n: total } = { n: 0 }] = await deps.db
    .select({ n: count() })
    .from(profiles)
    .where(and(isNull(profiles.mergedInto), isNull(profiles.deletedAt)));
  const row: typeof syncRuns.$inferInsert = {
    id: newId('run'),
    syncId,
    status: 'running',
    dryRun: options.dryRun,
    checkpoint: null,
    counts: { ...ZERO },
    total,
    startedAt: now,
    heartbeatAt: now,
  };
  try {
    await deps.db.insert(syncRuns).values(row);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError('conflict', `sync ${syncId} already has a run in progress`);
    throw error;
  }
  return { ...row, checkpoint: null, counts: { ...ZERO } } as typeof syncRuns.$inferSelect;
}

/**
 * Runs (or resumes) a sync run to the end: pages through live profiles in id order, maps each,
 * sends only those whose mapped payload changed since the last delivery, in batches of the
 * connector's size with bounded retries, and after each page commits fingerprints, failures, counts
 * and the checkpoint in one atomic batch. A crash re-sends at most the page in flight, which the
 * destinations' upserts absorb.
 */
export async function executeRun(
  deps: AppDeps,
  run: typeof syncRuns.$inferSelect,
  options: { sleep?: (ms: number) => Promise<void>; random?: () => number; sampleLimit?: number } = {},
) {
  const [sync] = await deps.db.select().from(syncs).where(eq(syncs.id, run.syncId));
  if (!sync) throw new AppError('not_found', `sync ${run.syncId} does not exist`);
  const definition: SyncDefinition = syncDefinitionSchema.parse(sync.definition);
  const { connector, config, row: connection } = await loadConnection(deps, sync.destinationId);
  const destination = connector.destination;
  if (!destination) throw new AppError('conflict', `connection ${connection.id} is not a destination`);
  const ctx = deps.connectorContext();
  const account = await accountKeyOf(connector.id, splitSecrets(connector, config).secrets, connection.id);
  const budget = budgetFor(account, connector.limits.requestsPerWindow);
  const delivery = {
    policy: definition.retry,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    acquire: () => budget.acquire(),
    onRateLimited: (retryAfterMs: number | undefined) => budget.rateLimited(retryAfterMs),
  };

  const counts: RunCounts = { ...ZERO, ...run.counts };
  const samples: DryRunChange[] = [];
  let checkpoint = run.checkpoint;
  try {
    for (;;) {
      const page = await loadProfilePage(deps, sync.id, checkpoint, definition.pageSize);
      if (page.views.length === 0) break;
      const changed: DestinationRecord[] = [];
      const prints = new Map<string, string>();
      for (const view of page.views) {
        counts.scanned++;
        const email = view.identities.email;
        if (!email) {
          counts.skipped++;
          continue;
        }
        const fields = mapProfile(view, definition.fields);
        const print = fingerprint(email, fields);
        if (page.fingerprints.get(view.id) === print) {
          counts.unchanged++;
          continue;
        }
        prints.set(view.id, print);
        changed.push({ profileId: view.id, email, fields });
      }

      const results: RecordResult[] = [];
      if (run.dryRun) {
        for (const record of changed) {
          if (samples.length < (options.sampleLimit ?? 50)) {
            samples.push({
              profileId: record.profileId,
              email: record.email!,
              change: 'create_or_update',
              fields: record.fields,
            });
          }
        }
        counts.sent += changed.length;
      } else {
        // Up to the connector's declared concurrency in flight at once (the shared budget still
        // paces them); results are kept in batch order.
        const batches = chunked(changed, connector.limits.batchSize);
        for (const wave of chunked(batches, Math.max(1, connector.limits.concurrency))) {
          const answers = await Promise.all(
            wave.map((batch) =>
              deliverBatch((records) => destination.upsert(ctx, config, records), batch, delivery),
            ),
          );
          for (const answer of answers) results.push(...answer);
        }
        counts.sent += changed.length;
      }
      checkpoint = page.lastId;
      await atomic(deps.db, pageWrites(deps, sync.id, run.id, results, prints, counts, checkpoint));
    }
    await deps.db
      .update(syncRuns)
      .set({ status: 'succeeded', counts, checkpoint, finishedAt: deps.now(), heartbeatAt: deps.now() })
      .where(eq(syncRuns.id, run.id));
    return { runId: run.id, status: 'succeeded' as const, counts, samples: run.dryRun ? samples : undefined };
  } catch (error) {
    deps.logger.error('sync run failed', { syncId: sync.id, runId: run.id, ...errorFields(error) });
    const message = error instanceof Error ? error.message : String(error);
    await deps.db
      .update(syncRuns)
      .set({ status: 'failed', counts, checkpoint, error: { message }, finishedAt: deps.now() })
      .where(eq(syncRuns.id, run.id));
    return { runId: run.id, status: 'failed' as const, counts, error: message };
  }
}

/** Fingerprints for what was delivered, failures kept for the next run, the run's progress. */
function pageWrites(
  deps: AppDeps,
  syncId: string,
  runId: string,
  results: RecordResult[],
  prints: Map<string, string>,
  counts: RunCounts,
  checkpoint: string | null,
): Statement[] {
  const now = deps.now();
  const delivered = results.filter((result) => result.status === 'ok');
  const failed = results.filter(
    (result): result is Extract<RecordResult, { status: 'failed' }> => result.status === 'failed',
  );
  counts.ok += delivered.length;
  counts.failed += failed.length;
  counts.skipped += results.filter((result) => result.status === 'skipped').length;
  return [
    ...bulkInsert(
      syncFingerprints,
      delivered.map((result) => ({
        syncId,
        profileId: result.profileId,
        fingerprint: prints.get(result.profileId)!,
        syncedAt: now,
      })),
      deps.sqlParamLimit,
      'on conflict (sync_id, profile_id) do update set fingerprint = excluded.fingerprint, synced_at = excluded.synced_at',
    ),
    ...chunked(
      delivered.map((result) => result.profileId),
      deps.sqlParamLimit,
      1,
      1,
    ).map((chunk) =>
      deps.db
        .delete(syncFailures)
        .where(and(eq(syncFailures.syncId, syncId), inArray(syncFailures.profileId, chunk))),
    ),
    ...bulkInsert(
      syncFailures,
      failed.map((result) => ({
        syncId,
        profileId: result.profileId,
        runId,
        error: { ...result.error },
        attempts: 1,
        failedAt: now,
      })),
      deps.sqlParamLimit,
      'on conflict (sync_id, profile_id) do update set run_id = excluded.run_id, error_json = excluded.error_json, ' +
        'attempts = sync_failures.attempts + 1, failed_at = excluded.failed_at',
    ),
    deps.db.update(syncRuns).set({ counts, checkpoint, heartbeatAt: now }).where(eq(syncRuns.id, runId)),
  ];
}
