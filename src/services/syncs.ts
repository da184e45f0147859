import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { atomic } from '../db/atomic.js';
import { isUniqueViolation } from '../db/errors.js';
import { segments, syncFailures, syncRuns, syncs } from '../db/schema/index.js';
import { AppError, issuesToFields } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { CronError, parseCron } from '../scheduler/cron-expression.js';
import { type SyncDefinition, segmentsOfSync, syncDefinitionSchema } from '../sync/definition.js';
import { executeRun, type RunOutcome, startRun } from '../sync/engine.js';
import { transitionRun } from '../sync/run-state.js';
import { type AuditActor, auditInsert } from './audit.js';
import { loadConnection } from './connections.js';

export type SyncRow = typeof syncs.$inferSelect;

export function publicSync(row: SyncRow) {
  return {
    id: row.id,
    name: row.name,
    destinationId: row.destinationId,
    definition: row.definition,
    schedule: row.schedule,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function publicRun(row: typeof syncRuns.$inferSelect) {
  return {
    id: row.id,
    syncId: row.syncId,
    status: row.status,
    dryRun: row.dryRun,
    counts: row.counts,
    checkpoint: row.checkpoint,
    /** The blast guard's counts; `tripped` lists what stopped a run awaiting confirmation. */
    guard: row.guard ?? null,
    error: row.error ?? null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    progress: progressOf(row),
  };
}

/** Done / total, rate (profiles scanned per second) and, while running, the expected finish. */
function progressOf(row: typeof syncRuns.$inferSelect) {
  const end = row.finishedAt ?? row.heartbeatAt;
  const seconds = Math.max(0.001, (end.getTime() - row.startedAt.getTime()) / 1000);
  const done = row.counts.scanned;
  const rate = done / seconds;
  const remaining = row.total === null ? null : Math.max(0, row.total - done);
  return {
    done,
    total: row.total,
    ratePerSecond: Math.round(rate * 10) / 10,
    eta:
      (row.status === 'running' || row.status === 'paused') && remaining !== null && rate > 0
        ? new Date(row.heartbeatAt.getTime() + (remaining / rate) * 1000).toISOString()
        : null,
  };
}

/** Segment ids a definition names that do not exist, each with where it is named. */
async function unknownSegments(deps: AppDeps, definition: SyncDefinition) {
  const named = segmentsOfSync(definition);
  if (named.length === 0) return [];
  const known = new Set(
    (await deps.db.select({ id: segments.id }).from(segments).where(inArray(segments.id, named))).map(
      (row) => row.id,
    ),
  );
  const problems: Array<{ path: string; message: string }> = [];
  const check = (id: string | undefined, path: string) => {
    if (id !== undefined && !known.has(id)) problems.push({ path, message: `segment ${id} does not exist` });
  };
  check(definition.source.segment, 'definition.source.segment');
  definition.lists.forEach((entry, i) => {
    check(entry.segment, `definition.lists.${i}.segment`);
  });
  definition.fields.forEach((field, i) => {
    if (field.from.startsWith('segments.')) check(field.from.slice(9), `definition.fields.${i}.from`);
  });
  return problems;
}

/** Checks everything a sync needs before it is saved, naming each bad field. */
async function validated(
  deps: AppDeps,
  input: { destinationId: string; definition: unknown; schedule?: string | null },
) {
  const problems: Array<{ path: string; message: string }> = [];
  const definition = syncDefinitionSchema.safeParse(input.definition);
  if (!definition.success) problems.push(...issuesToFields(definition.error.issues, 'definition'));
  if (input.schedule) {
    try {
      parseCron(input.schedule);
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      problems.push({ path: 'schedule', message: error.message });
    }
  }
  if (definition.success) problems.push(...(await unknownSegments(deps, definition.data)));
  try {
    const { connector } = await loadConnection(deps, input.destinationId);
    if (!connector.destination)
      problems.push({
        path: 'destinationId',
        message: `the '${connector.id}' connector is not a destination`,
      });
    const validateKey = connector.destination?.validateFieldKey;
    if (validateKey && definition.success) {
      definition.data.fields.forEach((field, index) => {
        const problem = validateKey(field.to);
        if (problem) problems.push({ path: `definition.fields.${index}.to`, message: problem });
      });
    }
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
    problems.push({ path: 'destinationId', message: `connection ${input.destinationId} does not exist` });
  }
  if (problems.length > 0 || !definition.success)
    throw new AppError('validation_failed', 'sync is not valid', problems);
  return definition.data;
}

export async function createSync(
  deps: AppDeps,
  actor: AuditActor,
  input: {
    name: string;
    destinationId: string;
    definition: unknown;
    schedule?: string | null;
    enabled?: boolean;
  },
) {
  const definition = await validated(deps, input);
  const now = deps.now();
  const row: SyncRow = {
    id: newId('sync'),
    name: input.name,
    destinationId: input.destinationId,
    definition: definition as unknown as Record<string, unknown>,
    schedule: input.schedule ?? null,
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await atomic(deps.db, [
      deps.db.insert(syncs).values(row),
      auditInsert(
        deps.db,
        actor,
        { action: 'sync.create', entityType: 'sync', entityId: row.id, after: publicSync(row) },
        now,
      ),
    ]);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError('conflict', `a sync named '${input.name}' already exists`, [
        { path: 'name', message: 'must be unique' },
      ]);
    throw error;
  }
  return publicSync(row);
}

export async function listSyncs(deps: AppDeps) {
  return (await deps.db.select().from(syncs).orderBy(asc(syncs.id))).map(publicSync);
}

export async function getSync(deps: AppDeps, id: string): Promise<SyncRow> {
  const [row] = await deps.db.select().from(syncs).where(eq(syncs.id, id));
  if (!row) throw new AppError('not_found', `sync ${id} does not exist`);
  return row;
}

export async function deleteSync(deps: AppDeps, actor: AuditActor, id: string) {
  const row = await getSync(deps, id);
  const now = deps.now();
  await atomic(deps.db, [
    deps.db.delete(syncs).where(eq(syncs.id, id)),
    // Runs nobody is executing would otherwise wait (or be resumed) for a sync that is gone.
    deps.db
      .update(syncRuns)
      .set({ status: 'cancelled', finishedAt: now })
      .where(and(eq(syncRuns.syncId, id), inArray(syncRuns.status, ['paused', 'awaiting_confirmation']))),
    auditInsert(
      deps.db,
      actor,
      { action: 'sync.delete', entityType: 'sync', entityId: id, before: publicSync(row) },
      now,
    ),
  ]);
}

export async function listRuns(deps: AppDeps, syncId: string, limit: number) {
  await getSync(deps, syncId);
  const rows = await deps.db
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.syncId, syncId))
    .orderBy(desc(syncRuns.startedAt))
    .limit(limit);
  return rows.map(publicRun);
}

/** Records the destination refused (kept for the next run), newest first. */
export async function listFailures(deps: AppDeps, syncId: string, limit: number) {
  await getSync(deps, syncId);
  const rows = await deps.db
    .select()
    .from(syncFailures)
    .where(eq(syncFailures.syncId, syncId))
    .orderBy(desc(syncFailures.failedAt))
    .limit(limit);
  return rows.map((row) => ({
    profileId: row.profileId,
    runId: row.runId,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failedAt.toISOString(),
  }));
}

export async function getRun(deps: AppDeps, runId: string) {
  return publicRun(await runRow(deps, runId));
}

/**
 * When a run started now must pause (Workers: ESP_HUB_SYNC_TIME_BUDGET_MS from now); undefined on
 * Node, where runs go on to the end.
 */
export function runDeadline(deps: AppDeps): number | undefined {
  const budget = deps.settings.syncTimeBudgetMs;
  return budget === undefined ? undefined : deps.now().getTime() + budget;
}

type Background = (work: Promise<unknown>) => void;

/** Executes a claimed run: awaited (`wait`, dry runs), or left running in the background. */
async function execute(
  deps: AppDeps,
  run: typeof syncRuns.$inferSelect,
  options: { wait: boolean; background?: Background },
): Promise<{ run: ReturnType<typeof publicRun>; result: RunOutcome | undefined }> {
  // Dry runs keep their samples in memory, so they are never paused across invocations.
  const work = executeRun(deps, run, run.dryRun ? {} : { deadline: runDeadline(deps) });
  if (run.dryRun || options.wait) {
    const result = await work;
    return { run: await getRun(deps, run.id), result };
  }
  (options.background ?? ((promise) => void promise))(work.catch(() => undefined));
  return { run: publicRun(run), result: undefined };
}

/**
 * Starts (or resumes) a run. Real runs go on in the background and are followed through
 * GET …/runs/{id}; `wait` (and every dry run) answers when the run is over, paused or stopped by
 * the blast guard.
 */
export async function triggerRun(
  deps: AppDeps,
  syncId: string,
  options: { dryRun: boolean; wait: boolean; background?: Background },
) {
  await getSync(deps, syncId);
  const run = await startRun(deps, syncId, { dryRun: options.dryRun });
  return execute(deps, run, options);
}

async function runRow(deps: AppDeps, runId: string) {
  const [row] = await deps.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!row) throw new AppError('not_found', `run ${runId} does not exist`);
  return row;
}

/** Lets a run the blast guard stopped go on: it writes what the pre-pass counted, and the rest. */
export async function confirmRun(
  deps: AppDeps,
  actor: AuditActor,
  runId: string,
  options: { wait: boolean; background?: Background },
) {
  const before = await runRow(deps, runId);
  const now = deps.now();
  const guard = before.guard ? { ...before.guard, phase: 'confirmed' as const } : null;
  const run = await transitionRun(deps, runId, ['awaiting_confirmation'], {
    status: 'running',
    guard,
    heartbeatAt: now,
  });
  if (!run) throw new AppError('conflict', `run ${runId} is ${before.status}, not awaiting confirmation`);
  await auditInsert(
    deps.db,
    actor,
    { action: 'sync_run.confirm', entityType: 'sync_run', entityId: runId, after: { guard } },
    now,
  );
  return execute(deps, run, options);
}

/** Ends a run nobody is executing (awaiting confirmation, or paused) without writing anything more. */
export async function cancelRun(deps: AppDeps, actor: AuditActor, runId: string) {
  const before = await runRow(deps, runId);
  const now = deps.now();
  const run = await transitionRun(deps, runId, ['awaiting_confirmation', 'paused'], {
    status: 'cancelled',
    finishedAt: now,
  });
  if (!run) {
    throw new AppError(
      'conflict',
      `run ${runId} is ${before.status}; only a run awaiting confirmation or paused can be cancelled`,
    );
  }
  await auditInsert(
    deps.db,
    actor,
    { action: 'sync_run.cancel', entityType: 'sync_run', entityId: runId, before: { status: before.status } },
    now,
  );
  return publicRun(run);
}
