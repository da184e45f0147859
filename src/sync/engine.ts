import { and, count, eq, isNull } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { splitSecrets } from '../connector-kit/secret.js';
import type { DestinationRecord } from '../connector-kit/types.js';
import { atomic } from '../db/atomic.js';
import { isUniqueViolation } from '../db/errors.js';
import { profiles, type RunGuard, syncRuns, syncs } from '../db/schema/index.js';
import { AppError } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { errorFields } from '../lib/logger.js';
import { loadConnection } from '../services/connections.js';
import { markerLayout } from './blank-marker.js';
import { assessBlast, type BlastTally, type BlastTrip, emptyTally, noteListChange } from './blast-guard.js';
import { type SyncDefinition, syncDefinitionSchema } from './definition.js';
import { type DeliveryOptions, deliverBatch } from './deliver.js';
import { evaluatePage } from './evaluate-page.js';
import { deliveredContacts, guardPending, runGuardPass } from './guard-pass.js';
import { pendingRemovalCounts, syncLists } from './list-pass.js';
import { loadProfilePage, pageScopeOf } from './load-page.js';
import { pageWrites, type RunCounts } from './page-writes.js';
import { deliverPages } from './pipeline.js';
import { accountKeyOf, budgetFor } from './rate-budget.js';
import { activeRunOf, claimResumable, type RunRow, transitionRun } from './run-state.js';

export type { RunCounts } from './page-writes.js';
export { STALE_RUN_MS } from './run-state.js';

const ZERO: RunCounts = { scanned: 0, unchanged: 0, sent: 0, ok: 0, failed: 0, skipped: 0 };

export interface DryRunChange {
  profileId: string;
  email: string;
  change: 'create_or_update';
  fields: Record<string, unknown>;
}

export interface RunOutcome {
  runId: string;
  status: 'succeeded' | 'failed' | 'paused' | 'awaiting_confirmation';
  counts: RunCounts;
  /** Dry runs: sampled changes, and what the blast guard would make of the run. */
  samples?: DryRunChange[];
  blast?: BlastTally & { wouldTrip: BlastTrip[] };
  /** Runs the blast guard stopped: the counts that tripped it. */
  guard?: RunGuard;
  error?: string;
}

export interface ExecuteOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  sampleLimit?: number;
  /**
   * Epoch ms. Once it has passed, the run stops after the page in hand, checkpoint saved, as
   * `paused`; the next scheduler tick resumes it (Workers' time limits). Every call makes at least
   * one page of progress. Undefined: run to the end (Node).
   */
  deadline?: number;
}

/**
 * Claims the sync's one active run: a new row, or a run nobody is executing (paused at its time
 * budget, or orphaned by a crashed process), resumed from its checkpoint. The partial unique index
 * on `sync_runs` makes a second active run impossible, across processes too.
 */
export async function startRun(deps: AppDeps, syncId: string, options: { dryRun: boolean }): Promise<RunRow> {
  const now = deps.now();
  const active = await activeRunOf(deps, syncId);
  if (active && !options.dryRun) {
    const claimed = await claimResumable(deps, active);
    if (claimed) {
      deps.logger.warn('resuming a sync run from its checkpoint', {
        syncId,
        runId: claimed.id,
        was: active.status,
        checkpoint: claimed.checkpoint,
      });
      return claimed;
    }
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
    if (!isUniqueViolation(error)) throw error;
    const holder = await activeRunOf(deps, syncId);
    const what =
      holder?.status === 'awaiting_confirmation'
        ? `run ${holder.id} is waiting for confirmation (POST /v1/admin/sync-runs/${holder.id}/confirm or /cancel)`
        : `already has a run in progress${holder ? ` (${holder.id}, ${holder.status})` : ''}`;
    throw new AppError('conflict', `sync ${syncId}: ${what}`);
  }
  return { ...row, checkpoint: null, counts: { ...ZERO }, guard: null } as RunRow;
}

/**
 * Runs (or resumes) a sync run: first, for a real run, the blast guard's pre-pass (which may stop
 * the run to wait for confirmation); then it pages through live profiles in id order, maps each,
 * sends only those whose mapped payload changed since the last delivery, in batches of the
 * connector's size with bounded retries, and after each page commits fingerprints, failures, counts
 * and the checkpoint in one atomic batch (pipeline.ts: the next page goes out meanwhile). A crash
 * re-sends at most the records in flight, which the destinations' upserts absorb.
 */
export async function executeRun(
  deps: AppDeps,
  run: RunRow,
  options: ExecuteOptions = {},
): Promise<RunOutcome> {
  const [sync] = await deps.db.select().from(syncs).where(eq(syncs.id, run.syncId));
  if (!sync) throw new AppError('not_found', `sync ${run.syncId} does not exist`);
  const definition: SyncDefinition = syncDefinitionSchema.parse(sync.definition);
  const { connector, config, row: connection } = await loadConnection(deps, sync.destinationId);
  const destination = connector.destination;
  if (!destination) throw new AppError('conflict', `connection ${connection.id} is not a destination`);
  const ctx = deps.connectorContext();
  const account = await accountKeyOf(connector.id, splitSecrets(connector, config).secrets, connection.id);
  const budget = budgetFor(account, connector.limits.requestsPerWindow);
  const delivery: DeliveryOptions = {
    policy: definition.retry,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    acquire: () => budget.acquire(),
    onRateLimited: (retryAfterMs: number | undefined) => budget.rateLimited(retryAfterMs),
  };
  const send = (batch: DestinationRecord[]) =>
    deliverBatch((records) => destination.upsert(ctx, config, records), batch, delivery);

  const layout = markerLayout(definition.fields.map((field) => field.to));
  const scope = pageScopeOf(definition);
  const counts: RunCounts = { ...ZERO, ...run.counts };
  const samples: DryRunChange[] = [];
  let checkpoint = run.checkpoint;
  /** Pages read by the guard's pre-pass in this invocation. */
  let pagesDone = 0;
  const outOfTime = () =>
    options.deadline !== undefined && pagesDone > 0 && deps.now().getTime() >= options.deadline;
  const pause = async (): Promise<RunOutcome> => {
    await transitionRun(deps, run.id, ['running'], {
      status: 'paused',
      counts,
      checkpoint,
      heartbeatAt: deps.now(),
    });
    deps.logger.info('sync run paused at its time budget; the next tick resumes it', {
      syncId: sync.id,
      runId: run.id,
      checkpoint,
    });
    return { runId: run.id, status: 'paused', counts };
  };

  const finish = async (tally?: BlastTally): Promise<RunOutcome> => {
    await deps.db
      .update(syncRuns)
      .set({ status: 'succeeded', counts, checkpoint, finishedAt: deps.now(), heartbeatAt: deps.now() })
      .where(eq(syncRuns.id, run.id));
    return {
      runId: run.id,
      status: 'succeeded',
      counts,
      ...(run.dryRun && tally
        ? { samples, blast: { ...tally, wouldTrip: assessBlast(tally, definition.blastGuard) } }
        : {}),
    };
  };

  try {
    if (guardPending(run, definition)) {
      const guard = await runGuardPass(deps, run, definition, layout, (pages) => {
        pagesDone = pages;
        return outOfTime();
      });
      if (guard.status === 'paused') return await pause();
      if (guard.status === 'tripped')
        return { runId: run.id, status: 'awaiting_confirmation', counts, guard: guard.guard };
      const seen = guard.guard.seen;
      if (seen && seen.changed === 0) {
        // The pre-pass read every page and found nothing to send: no second read to find it again.
        Object.assign(counts, { scanned: seen.scanned, unchanged: seen.unchanged, skipped: seen.skipped });
        return await finish();
      }
      // The pre-pass used up this invocation's time: writing starts on the next.
      if (outOfTime()) return await pause();
    }
    const tally = run.dryRun ? emptyTally(await deliveredContacts(deps, sync.id)) : undefined;
    const exhausted = await deliverPages({
      first: await loadProfilePage(deps, sync.id, checkpoint, definition.pageSize, scope),
      loadAfter: (lastId) => loadProfilePage(deps, sync.id, lastId, definition.pageSize, scope),
      evaluate: (page) => evaluatePage(page, definition, layout, tally),
      send: run.dryRun ? undefined : send,
      limits: connector.limits,
      pageSize: definition.pageSize,
      commit: async (evaluation, results, lastId) => {
        counts.scanned += evaluation.scanned;
        counts.unchanged += evaluation.unchanged;
        counts.skipped += evaluation.skipped;
        counts.sent += evaluation.changed.length;
        if (run.dryRun) {
          for (const record of evaluation.changed.slice(0, (options.sampleLimit ?? 50) - samples.length)) {
            samples.push({
              profileId: record.profileId,
              email: record.email!,
              change: 'create_or_update',
              fields: record.fields,
            });
          }
        }
        checkpoint = lastId;
        await atomic(
          deps.db,
          pageWrites(deps, sync.id, run.id, results, evaluation.next, counts, checkpoint),
        );
      },
      // Past the deadline no further page is read: the pages in flight finish and the run pauses.
      mayContinue: () => options.deadline === undefined || deps.now().getTime() < options.deadline,
    });
    if (!exhausted) return await pause();
    if (run.dryRun) {
      if (tally)
        for (const change of await pendingRemovalCounts(deps, sync.id, definition))
          noteListChange(tally, change.list, change);
      return await finish(tally);
    }
    // Contacts exist at the destination now: their list memberships follow.
    const lists = await syncLists({
      deps,
      syncId: sync.id,
      runId: run.id,
      definition,
      destination,
      ctx,
      config,
      delivery,
      batchSize: connector.limits.batchSize,
      mayContinue: () => options.deadline === undefined || deps.now().getTime() < options.deadline,
    });
    counts.listAdded = (counts.listAdded ?? 0) + lists.counts.added;
    counts.listRemoved = (counts.listRemoved ?? 0) + lists.counts.removed;
    counts.failed += lists.counts.failed;
    if (!lists.done) return await pause();
    return await finish(tally);
  } catch (error) {
    deps.logger.error('sync run failed', { syncId: sync.id, runId: run.id, ...errorFields(error) });
    const message = error instanceof Error ? error.message : String(error);
    await deps.db
      .update(syncRuns)
      .set({ status: 'failed', counts, checkpoint, error: { message }, finishedAt: deps.now() })
      .where(eq(syncRuns.id, run.id));
    return { runId: run.id, status: 'failed', counts, error: message };
  }
}
