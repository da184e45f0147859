import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { rawSelect } from '../../db/raw-select.js';
import { segmentMembershipHistory, segmentMemberships, segments } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { loadSnapshots } from '../../segments/engine/load-snapshots.js';
import { SEGMENT_PAGE_SIZE } from '../../segments/engine/refresh.js';
import {
  compileRule,
  parseSegmentRule,
  requirementsOf,
  type SegmentRule,
} from '../../segments/rules/index.js';
import { resolveProfile } from '../profiles/resolve.js';
import { loadSettings } from '../settings.js';
import { segmentRow } from './crud.js';
import { validateSegmentRule } from './validate.js';

/** How many live profiles a rule matches now, with a sample, without saving anything. */
export async function previewSegment(deps: AppDeps, json: unknown, sampleSize = 10) {
  const { rule, warnings } = await validateSegmentRule(deps, null, json);
  const compiled = compileRule(rule);
  const requirements = requirementsOf([rule]);
  const { engagement } = await loadSettings(deps);
  let cursor = '';
  let count = 0;
  let scanned = 0;
  const sample: string[] = [];
  for (;;) {
    const page = await rawSelect<{ id: string }>(
      deps.db,
      `select id from profiles where id > ? and merged_into is null and deleted_at is null order by id limit ${SEGMENT_PAGE_SIZE}`,
      [cursor],
    );
    if (page.length === 0) break;
    const now = deps.now().getTime();
    const ids = page.map((row) => row.id);
    const snapshots = await loadSnapshots(deps, ids, requirements, now, engagement, {
      storedMemberships: true,
    });
    for (const snapshot of snapshots) {
      if (!compiled.matches(snapshot, now)) continue;
      count++;
      if (sample.length < sampleSize) sample.push(snapshot.profileId);
    }
    scanned += ids.length;
    cursor = ids[ids.length - 1]!;
  }
  return { count, scanned, sample, warnings };
}

/** Why a profile is in or out of a segment, condition by condition, as of now. */
export async function explainMembership(deps: AppDeps, segmentId: string, profileRef: string) {
  const row = await segmentRow(deps, segmentId);
  const rule = storedRule(row.rule, segmentId);
  const profileId = (await resolveProfile(deps, profileRef)).profile.id;
  const { engagement } = await loadSettings(deps);
  const now = deps.now().getTime();
  const [snapshot] = await loadSnapshots(deps, [profileId], requirementsOf([rule]), now, engagement, {
    storedMemberships: true,
  });
  if (!snapshot) throw new AppError('not_found', `profile ${profileRef} not found`);
  const compiled = compileRule(rule);
  const explanation = compiled.explain(snapshot, now);
  const [member] = await deps.db
    .select()
    .from(segmentMemberships)
    .where(and(eq(segmentMemberships.segmentId, segmentId), eq(segmentMemberships.profileId, profileId)));
  const next = compiled.nextChangeAt(snapshot, now);
  return {
    segmentId,
    profileId,
    inSegment: explanation.result,
    /** The stored membership; it follows the rule within moments of each change. */
    member: member ? { enteredAt: member.enteredAt.toISOString() } : null,
    nextChangeAt: next === null ? null : new Date(next).toISOString(),
    explanation,
  };
}

export async function listMembers(
  deps: AppDeps,
  segmentId: string,
  options: { after?: string; limit: number },
) {
  await segmentRow(deps, segmentId);
  const rows = await deps.db
    .select()
    .from(segmentMemberships)
    .where(
      and(
        eq(segmentMemberships.segmentId, segmentId),
        options.after ? gt(segmentMemberships.profileId, options.after) : undefined,
      ),
    )
    .orderBy(asc(segmentMemberships.profileId))
    .limit(options.limit);
  const [{ total } = { total: 0 }] = await rawSelect<{ total: number }>(
    deps.db,
    'select count(*) as total from segment_memberships where segment_id = ?',
    [segmentId],
  );
  return {
    items: rows.map((row) => ({ profileId: row.profileId, enteredAt: row.enteredAt.toISOString() })),
    total,
    next: rows.length === options.limit ? rows[rows.length - 1]!.profileId : null,
  };
}

export async function membershipHistory(
  deps: AppDeps,
  segmentId: string,
  options: { profileId?: string; limit: number },
) {
  await segmentRow(deps, segmentId);
  const rows = await deps.db
    .select()
    .from(segmentMembershipHistory)
    .where(
      and(
        eq(segmentMembershipHistory.segmentId, segmentId),
        options.profileId ? eq(segmentMembershipHistory.profileId, options.profileId) : undefined,
      ),
    )
    .orderBy(desc(segmentMembershipHistory.id))
    .limit(options.limit);
  return rows.map((row) => ({
    profileId: row.profileId,
    change: row.change,
    reason: row.reason,
    at: row.at.toISOString(),
  }));
}

/** Sizes and pairwise intersections of a set of segments. */
export async function segmentOverlap(deps: AppDeps, segmentIds: string[]) {
  const rows = await deps.db
    .select({ id: segments.id, name: segments.name })
    .from(segments)
    .where(inArray(segments.id, segmentIds));
  const missing = segmentIds.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      'unknown segments',
      missing.map((id) => ({ path: 'segments', message: `segment ${id} does not exist` })),
    );
  }
  const sizes = await rawSelect<{ segmentId: string; n: number }>(
    deps.db,
    `select segment_id as segmentId, count(*) as n from segment_memberships where segment_id in (${segmentIds.map(() => '?').join(', ')}) group by segment_id`,
    segmentIds,
  );
  const pairs = await rawSelect<{ a: string; b: string; n: number }>(
    deps.db,
    `select x.segment_id as a, y.segment_id as b, count(*) as n
     from segment_memberships x join segment_memberships y on y.profile_id = x.profile_id and y.segment_id > x.segment_id
     where x.segment_id in (${segmentIds.map(() => '?').join(', ')}) and y.segment_id in (${segmentIds.map(() => '?').join(', ')})
     group by x.segment_id, y.segment_id`,
    [...segmentIds, ...segmentIds],
  );
  const size = new Map(sizes.map((row) => [row.segmentId, row.n]));
  return {
    segments: rows.map((row) => ({ id: row.id, name: row.name, size: size.get(row.id) ?? 0 })),
    pairs: pairs.map((row) => {
      const union = (size.get(row.a) ?? 0) + (size.get(row.b) ?? 0) - row.n;
      return { a: row.a, b: row.b, intersection: row.n, jaccard: union > 0 ? row.n / union : 0 };
    }),
  };
}

function storedRule(json: unknown, segmentId: string): SegmentRule {
  const parsed = parseSegmentRule(json);
  if (!parsed.ok) throw new AppError('internal', `stored rule of segment ${segmentId} no longer parses`);
  return parsed.rule;
}
