import { asc, eq } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { isUniqueViolation } from '../../db/errors.js';
import { segmentMemberships, segments, segmentVersions } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { invocationDeadline } from '../../scheduler/time-budget.js';
import { forgetActiveSegments } from '../../segments/engine/active-segments.js';
import { continueSegmentRecompute, startSegmentRecompute } from '../../segments/engine/recompute.js';
import { parseSegmentRule, type RuleIssue, segmentDependencies } from '../../segments/rules/index.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { validateSegmentRule } from './validate.js';

export type SegmentRow = typeof segments.$inferSelect;

export interface SegmentInput {
  name: string;
  description?: string | null;
  groupName?: string | null;
  priority?: number;
  enabled?: boolean;
  rule: unknown;
}

export function publicSegment(row: SegmentRow, warnings?: RuleIssue[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    groupName: row.groupName,
    priority: row.priority,
    enabled: row.enabled,
    rule: row.rule,
    version: row.version,
    /** `computing` until a full recompute has covered this version. */
    status: row.computedVersion === row.version ? ('ready' as const) : ('computing' as const),
    computedAt: row.computedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(warnings ? { warnings } : {}),
  };
}

type Background = (work: Promise<unknown>) => void;
export interface RecomputeOptions {
  /** Wait for memberships to be computed before answering. */
  wait: boolean;
  background?: Background;
}

export async function listSegments(deps: AppDeps) {
  return (await deps.db.select().from(segments).orderBy(asc(segments.name))).map((row) => publicSegment(row));
}

export async function segmentRow(deps: AppDeps, id: string): Promise<SegmentRow> {
  const [row] = await deps.db.select().from(segments).where(eq(segments.id, id));
  if (!row) throw new AppError('not_found', `segment ${id} not found`);
  return row;
}

export async function createSegment(
  deps: AppDeps,
  actor: AuditActor,
  input: SegmentInput,
  options: RecomputeOptions,
) {
  const { rule, warnings } = await validateSegmentRule(deps, null, input.rule);
  const now = deps.now();
  const row: SegmentRow = {
    id: newId('seg'),
    name: input.name,
    description: input.description ?? null,
    groupName: input.groupName ?? null,
    priority: input.priority ?? 0,
    rule: rule as unknown as Record<string, unknown>,
    version: 1,
    enabled: input.enabled ?? true,
    computedAt: null,
    computedVersion: null,
    createdAt: now,
    updatedAt: now,
  };
  await saveUnique(deps, input.name, [
    deps.db.insert(segments).values(row),
    deps.db.insert(segmentVersions).values({
      segmentId: row.id,
      version: 1,
      rule: row.rule,
      actor: actor.principal?.name ?? 'system',
      createdAt: now,
    }),
    auditInsert(
      deps.db,
      actor,
      { action: 'segment.create', entityType: 'segment', entityId: row.id, after: publicSegment(row) },
      now,
    ),
  ]);
  await recomputeAfterChange(deps, options);
  return publicSegment(await segmentRow(deps, row.id), warnings);
}

export async function updateSegment(
  deps: AppDeps,
  actor: AuditActor,
  id: string,
  input: SegmentInput,
  options: RecomputeOptions,
) {
  const before = await segmentRow(deps, id);
  const { rule, warnings } = await validateSegmentRule(deps, id, input.rule);
  const now = deps.now();
  const ruleChanged = JSON.stringify(rule) !== JSON.stringify(before.rule);
  const after: SegmentRow = {
    ...before,
    name: input.name,
    description: input.description ?? null,
    groupName: input.groupName ?? null,
    priority: input.priority ?? 0,
    enabled: input.enabled ?? before.enabled,
    rule: rule as unknown as Record<string, unknown>,
    version: ruleChanged || input.enabled !== before.enabled ? before.version + 1 : before.version,
    updatedAt: now,
  };
  await saveUnique(deps, input.name, [
    deps.db.update(segments).set(after).where(eq(segments.id, id)),
    ...(after.version !== before.version
      ? [
          deps.db.insert(segmentVersions).values({
            segmentId: id,
            version: after.version,
            rule: after.rule,
            actor: actor.principal?.name ?? 'system',
            createdAt: now,
          }),
        ]
      : []),
    // A disabled segment has no members; enabling it again recomputes them.
    ...(after.enabled
      ? []
      : [deps.db.delete(segmentMemberships).where(eq(segmentMemberships.segmentId, id))]),
    auditInsert(
      deps.db,
      actor,
      {
        action: 'segment.update',
        entityType: 'segment',
        entityId: id,
        before: publicSegment(before),
        after: publicSegment(after),
      },
      now,
    ),
  ]);
  if (after.version !== before.version) await recomputeAfterChange(deps, options);
  else forgetActiveSegments(deps);
  return publicSegment(await segmentRow(deps, id), warnings);
}

export async function deleteSegment(deps: AppDeps, actor: AuditActor, id: string) {
  const before = await segmentRow(deps, id);
  const dependents = (await deps.db.select().from(segments)).filter((row) => {
    if (row.id === id) return false;
    const parsed = parseSegmentRule(row.rule);
    return parsed.ok && segmentDependencies(parsed.rule).includes(id);
  });
  if (dependents.length > 0) {
    throw new AppError(
      'conflict',
      `segment ${id} is used by other segments`,
      dependents.map((row) => ({ path: 'id', message: `used by ${row.id} (${row.name})` })),
    );
  }
  const now = deps.now();
  await atomic(deps.db, [
    deps.db.delete(segments).where(eq(segments.id, id)),
    deps.db.delete(segmentMemberships).where(eq(segmentMemberships.segmentId, id)),
    auditInsert(
      deps.db,
      actor,
      { action: 'segment.delete', entityType: 'segment', entityId: id, before: publicSegment(before) },
      now,
    ),
  ]);
  forgetActiveSegments(deps);
}

async function saveUnique(deps: AppDeps, name: string, statements: Parameters<typeof atomic>[1]) {
  try {
    await atomic(deps.db, statements);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('conflict', `a segment named '${name}' already exists`, [
        { path: 'name', message: 'must be unique' },
      ]);
    }
    throw error;
  }
  forgetActiveSegments(deps);
}

/** Memberships of a new or changed rule: a full recompute, awaited or in the background. */
async function recomputeAfterChange(deps: AppDeps, options: RecomputeOptions): Promise<void> {
  forgetActiveSegments(deps);
  await startSegmentRecompute(deps);
  const work = continueSegmentRecompute(deps, { deadline: invocationDeadline(deps) });
  if (options.wait) {
    await work;
    return;
  }
  (options.background ?? ((promise) => void promise))(
    work.catch((error) => deps.logger.error('segment recompute failed', { error: String(error) })),
  );
}
