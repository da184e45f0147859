import { eq, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { profileRecommendations, recommendationRuns } from '../../db/schema/recommendations.js';
import { newId } from '../../lib/ids.js';
import { loadSettings } from '../../services/settings.js';
import { loadCatalog } from './catalog.js';
import { fitSharedModel } from './fit.js';
import { nextProfilePage, RECOMMENDATION_PAGE_SIZE } from './profile-context.js';
import { type CatalogView, scoreProfiles } from './score-page.js';
import { inMemoryModel, type SharedModel, storedModel } from './shared-model.js';
import { profileRowWrites, storeSharedLists } from './store.js';

type RunRow = typeof recommendationRuns.$inferSelect;

export interface RecommendationProgress {
  id: string;
  done: boolean;
  counts: RunRow['counts'];
  /** Set when this call ran the fit: what it read. */
  fit?: { profiles: number; interactions: number; lists: number; seconds: number };
}

/**
 * Starts a full recommendation run (the nightly refit). An unfinished run is replaced: the new one
 * covers everything it would have.
 */
export async function startRecommendationRun(deps: AppDeps): Promise<string> {
  const id = newId('run');
  await atomic(deps.db, [
    deps.db.delete(recommendationRuns).where(isNull(recommendationRuns.finishedAt)),
    deps.db.insert(recommendationRuns).values({
      id,
      cursor: null,
      counts: { profiles: 0, personal: 0, segment: 0, global: 0 },
      startedAt: deps.now(),
    }),
  ]);
  return id;
}

/**
 * Works on the unfinished run until it is done or `deadline` (epoch ms) has passed, like
 * `continueSegmentRecompute`: first the fit (all interactions read, shared lists stored; it cannot
 * be split, so on Workers it must fit in one invocation), then every live profile's top N, page by
 * page from the stored cursor. A call that did the fit scores from the fitted model in memory; a
 * call that resumes reads the stored lists. Returns null when there is no unfinished run.
 */
export async function continueRecommendationRun(
  deps: AppDeps,
  options: { deadline?: number } = {},
): Promise<RecommendationProgress | null> {
  const [run] = await deps.db.select().from(recommendationRuns).where(isNull(recommendationRuns.finishedAt));
  if (!run) return null;
  const settings = (await loadSettings(deps)).recommendations;
  const counts = { ...run.counts };
  const pastDeadline = () => options.deadline !== undefined && Date.now() >= options.deadline;
  let model: SharedModel;
  let catalog: CatalogView;
  let fit: RecommendationProgress['fit'];
  if (!run.fittedAt) {
    if (pastDeadline()) return { id: run.id, done: false, counts };
    const started = performance.now();
    const now = deps.now();
    catalog = { items: await loadCatalog(deps), complete: true };
    const fitted = await fitSharedModel(deps, settings, catalog.items, now.getTime());
    await storeSharedLists(deps, fitted.lists, fitted.votes, now);
    await deps.db.update(recommendationRuns).set({ fittedAt: now }).where(eq(recommendationRuns.id, run.id));
    model = inMemoryModel(fitted.votes, fitted.lists);
    fit = {
      profiles: fitted.profiles,
      interactions: fitted.interactions,
      lists: fitted.lists.size + fitted.votedProducts,
      seconds: (performance.now() - started) / 1000,
    };
  } else {
    model = storedModel(deps, run.fittedAt.getTime());
    catalog = { items: new Map(), complete: false };
  }

  let cursor = run.cursor ?? '';
  for (;;) {
    if (pastDeadline()) return { id: run.id, done: false, counts, ...(fit ? { fit } : {}) };
    const ids = await nextProfilePage(deps, cursor, RECOMMENDATION_PAGE_SIZE);
    if (ids.length === 0) break;
    cursor = ids[ids.length - 1]!;
    const { rows, levels } = await scoreProfiles(
      deps,
      ids,
      { from: ids[0]!, to: cursor },
      model,
      catalog,
      settings,
      deps.now().getTime(),
    );
    counts.profiles += rows.length;
    counts.personal += levels.personal;
    counts.segment += levels.segment;
    counts.global += levels.global;
    await atomic(deps.db, [
      ...profileRowWrites(deps, rows),
      deps.db.update(recommendationRuns).set({ cursor, counts }).where(eq(recommendationRuns.id, run.id)),
    ]);
  }
  // Rows this run did not write belong to profiles merged away or erased since the last one.
  await atomic(deps.db, [
    deps.db.delete(profileRecommendations).where(lt(profileRecommendations.computedAt, run.startedAt)),
    deps.db
      .update(recommendationRuns)
      .set({ cursor, counts, finishedAt: deps.now() })
      .where(eq(recommendationRuns.id, run.id)),
  ]);
  return { id: run.id, done: true, counts, ...(fit ? { fit } : {}) };
}

/** Start and finish a full run in one go (Node's nightly job, the admin API, tests, the benchmark). */
export async function recomputeRecommendations(deps: AppDeps): Promise<RecommendationProgress> {
  await startRecommendationRun(deps);
  return (await continueRecommendationRun(deps))!;
}
