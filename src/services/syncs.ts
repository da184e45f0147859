import { asc, desc, eq } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { atomic } from '../db/atomic.js';
import { isUniqueViolation } from '../db/errors.js';
import { syncFailures, syncRuns, syncs } from '../db/schema/index.js';
import { AppError, issuesToFields } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { CronError, parseCron } from '../scheduler/cron-expression.js';
import { syncDefinitionSchema } from '../sync/definition.js';
import { executeRun, startRun } from '../sync/engine.js';
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
      row.status === 'running' && remaining !== null && rate > 0
        ? new Date(row.heartbeatAt.getTime() + (remaining / rate) * 1000).toISOString()
        : null,
  };
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
  const [row] = await deps.db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!row) throw new AppError('not_found', `run ${runId} does not exist`);
  return publicRun(row);
}

/**
 * Starts (or resumes) a run. Real runs go on in the background and are followed through
 * GET …/runs/{id}; `wait` (and every dry run) answers when the run is over.
 */
export async function triggerRun(
  deps: AppDeps,
  syncId: string,
  options: { dryRun: boolean; wait: boolean; background?: (work: Promise<unknown>) => void },
) {
  await getSync(deps, syncId);
  const run = await startRun(deps, syncId, { dryRun: options.dryRun });
  const work = executeRun(deps, run);
  if (options.dryRun || options.wait) return { run: await getRun(deps, run.id), result: await work };
  (options.background ?? ((promise) => void promise))(work.catch(() => undefined));
  return { run: publicRun(run), result: undefined };
}

/** The scheduler's entry: every enabled sync whose cron matches this minute. */
export async function runDueSyncs(deps: AppDeps, at: Date): Promise<Record<string, unknown>> {
  const due = (await deps.db.select().from(syncs).where(eq(syncs.enabled, true))).filter(
    (row) => row.schedule !== null && parseCron(row.schedule).matches(at),
  );
  const outcomes: Record<string, unknown> = {};
  for (const row of due) {
    try {
      const run = await startRun(deps, row.id, { dryRun: false });
      outcomes[row.id] = (await executeRun(deps, run)).status;
    } catch (error) {
      outcomes[row.id] = error instanceof AppError ? error.message : 'failed to start';
    }
  }
  return { due: due.length, outcomes };
}
