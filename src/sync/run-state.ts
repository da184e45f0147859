import { and, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { type SyncRunStatus, syncRuns } from '../db/schema/index.js';

export type RunRow = typeof syncRuns.$inferSelect;

/** Statuses that hold the sync's one active-run slot (the partial unique index lists the same). */
export const ACTIVE_RUN_STATUSES = [
  'running',
  'paused',
  'awaiting_confirmation',
] as const satisfies readonly SyncRunStatus[];

/** A run whose heartbeat is older than this was orphaned by a crash or restart and may be resumed. */
export const STALE_RUN_MS = 2 * 60_000;

/** The configured orphan threshold (ESP_HUB_STALE_RUN_MS), else STALE_RUN_MS. */
export function staleRunMs(deps: AppDeps): number {
  return deps.settings.staleRunMs ?? STALE_RUN_MS;
}

/**
 * Moves a run to new values only while it is still in one of `from` (and matches `extra`): one
 * conditional UPDATE, so two processes, ticks or admins racing for the same run cannot both win.
 * Returns the updated row, or undefined when another got there first.
 */
export async function transitionRun(
  deps: AppDeps,
  runId: string,
  from: readonly SyncRunStatus[],
  set: Partial<typeof syncRuns.$inferInsert>,
  extra?: SQL,
): Promise<RunRow | undefined> {
  const [row] = await deps.db
    .update(syncRuns)
    .set(set)
    .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, [...from]), extra))
    .returning();
  return row;
}

/** The sync's active run, if any. */
export async function activeRunOf(deps: AppDeps, syncId: string): Promise<RunRow | undefined> {
  const [row] = await deps.db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.syncId, syncId), inArray(syncRuns.status, [...ACTIVE_RUN_STATUSES])));
  return row;
}

/**
 * Takes over a run nobody is executing: a paused one (stopped at its time budget), or a running
 * one whose heartbeat went silent (its process crashed). Undefined when there is none to take.
 */
export async function claimResumable(deps: AppDeps, active: RunRow): Promise<RunRow | undefined> {
  const now = deps.now();
  if (active.status === 'paused') {
    return transitionRun(deps, active.id, ['paused'], { status: 'running', heartbeatAt: now });
  }
  if (active.status !== 'running') return undefined;
  const cutoff = new Date(now.getTime() - staleRunMs(deps));
  if (active.heartbeatAt.getTime() >= cutoff.getTime()) return undefined;
  return transitionRun(deps, active.id, ['running'], { heartbeatAt: now }, lt(syncRuns.heartbeatAt, cutoff));
}

/** Paused runs, oldest heartbeat first: what a scheduler tick resumes before starting new runs. */
export async function pausedRuns(deps: AppDeps): Promise<RunRow[]> {
  return deps.db.select().from(syncRuns).where(eq(syncRuns.status, 'paused')).orderBy(syncRuns.heartbeatAt);
}
