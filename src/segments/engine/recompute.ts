import { eq, isNull } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { rawSelect } from '../../db/raw-select.js';
import { segmentRecomputes, segments } from '../../db/schema/segments.js';
import { newId } from '../../lib/ids.js';
import { loadSettings } from '../../services/settings.js';
import { activeSegments, forgetActiveSegments } from './active-segments.js';
import { evaluateSnapshots } from './evaluate-page.js';
import { loadSnapshots } from './load-snapshots.js';
import { SEGMENT_PAGE_SIZE } from './refresh.js';
import { storePage } from './store-page.js';

export interface RecomputeProgress {
  id: string;
  done: boolean;
  counts: { profiles: number; entered: number; left: number };
}

/**
 * Starts a full recompute of every active segment over every live profile (a new segment, an
 * edited rule, the nightly pass that catches anything incremental updates missed). An unfinished
 * recompute is replaced: the new one covers everything it would have.
 */
export async function startSegmentRecompute(deps: AppDeps): Promise<string> {
  const active = await activeSegments(deps);
  const id = newId('rcp');
  await atomic(deps.db, [
    deps.db.delete(segmentRecomputes).where(isNull(segmentRecomputes.finishedAt)),
    deps.db.insert(segmentRecomputes).values({
      id,
      cursor: null,
      versions: Object.fromEntries(active.list.map((segment) => [segment.id, segment.version])),
      counts: { profiles: 0, entered: 0, left: 0 },
      startedAt: deps.now(),
    }),
  ]);
  return id;
}

/**
 * Works through the unfinished recompute page by page from its stored cursor, until it is done or
 * `deadline` (epoch ms) has passed: Node runs it to the end, a Workers cron tick runs what fits
 * and the next tick resumes. Returns null when there is nothing to do.
 */
export async function continueSegmentRecompute(
  deps: AppDeps,
  options: { deadline?: number } = {},
): Promise<RecomputeProgress | null> {
  const [run] = await deps.db.select().from(segmentRecomputes).where(isNull(segmentRecomputes.finishedAt));
  if (!run) return null;
  const active = await activeSegments(deps);
  const { engagement } = await loadSettings(deps);
  const counts = { ...run.counts };
  let cursor = run.cursor ?? '';
  for (;;) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      return { id: run.id, done: false, counts };
    }
    const page = await rawSelect<{ id: string; traits: string }>(
      deps.db,
      `select id, traits_json as traits from profiles where id > ? and merged_into is null and deleted_at is null order by id limit ${SEGMENT_PAGE_SIZE}`,
      [cursor],
    );
    if (page.length === 0) break;
    const ids = page.map((row) => row.id);
    const now = deps.now().getTime();
    const snapshots = await loadSnapshots(deps, ids, active.requirements, now, engagement, {
      liveRows: page,
    });
    const changes = await storePage(
      deps,
      ids,
      evaluateSnapshots(active.list, snapshots, now),
      active.list,
      now,
    );
    counts.profiles += ids.length;
    for (const change of changes) counts[change.change]++;
    cursor = ids[ids.length - 1]!;
    await deps.db.update(segmentRecomputes).set({ cursor, counts }).where(eq(segmentRecomputes.id, run.id));
  }
  const finishedAt = deps.now();
  await atomic(deps.db, [
    deps.db
      .update(segmentRecomputes)
      .set({ cursor, counts, finishedAt })
      .where(eq(segmentRecomputes.id, run.id)),
    ...Object.entries(run.versions).map(([segmentId, version]) =>
      deps.db
        .update(segments)
        .set({ computedAt: finishedAt, computedVersion: version })
        .where(eq(segments.id, segmentId)),
    ),
  ]);
  // The cached segments still say "not populated yet".
  forgetActiveSegments(deps);
  return { id: run.id, done: true, counts };
}

/** Start and finish a full recompute in one go (Node, the CLI, tests). */
export async function recomputeAllSegments(deps: AppDeps): Promise<RecomputeProgress> {
  await startSegmentRecompute(deps);
  return (await continueSegmentRecompute(deps))!;
}
