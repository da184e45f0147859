import { eq } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { syncs } from '../db/schema/index.js';
import { AppError } from '../http/errors.js';
import { errorFields } from '../lib/logger.js';
import { runDeadline } from '../services/syncs.js';
import { executeRun, startRun } from '../sync/engine.js';
import { claimResumable, pausedRuns } from '../sync/run-state.js';
import { parseCron } from './cron-expression.js';

/**
 * The scheduler's sync step, once a minute on both runtimes. First it resumes the runs a previous
 * tick paused at its time budget (Workers), oldest first, then starts every enabled sync whose cron
 * matches this minute. All of it shares one deadline, so a tick stays inside the platform's limits;
 * each run still makes at least a page of progress when its turn comes. On Node there is no
 * deadline and every run goes on to the end.
 */
export async function runDueSyncs(deps: AppDeps, at: Date): Promise<Record<string, unknown>> {
  const deadline = runDeadline(deps);
  const outcomes: Record<string, unknown> = {};
  const touched = new Set<string>();

  for (const paused of await pausedRuns(deps)) {
    touched.add(paused.syncId);
    const run = await claimResumable(deps, paused);
    // Another tick or an admin's trigger took it meanwhile.
    if (!run) continue;
    outcomes[paused.syncId] = await execute(deps, run, deadline);
  }

  const due = (await deps.db.select().from(syncs).where(eq(syncs.enabled, true))).filter(
    (row) => row.schedule !== null && !touched.has(row.id) && parseCron(row.schedule).matches(at),
  );
  for (const row of due) {
    try {
      const run = await startRun(deps, row.id, { dryRun: false });
      outcomes[row.id] = await execute(deps, run, deadline);
    } catch (error) {
      outcomes[row.id] = error instanceof AppError ? error.message : 'failed to start';
    }
  }
  return { due: due.length, outcomes };
}

async function execute(
  deps: AppDeps,
  run: Awaited<ReturnType<typeof startRun>>,
  deadline: number | undefined,
): Promise<string> {
  try {
    return (await executeRun(deps, run, { deadline })).status;
  } catch (error) {
    // The sync or its connection went away under the run: executeRun could not even begin.
    deps.logger.error('could not execute a sync run', { runId: run.id, ...errorFields(error) });
    return error instanceof AppError ? error.message : 'failed';
  }
}
