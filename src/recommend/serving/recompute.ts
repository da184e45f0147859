import { eq, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { profileRecommendations, recommendationRuns } from '../../db/schema/recommendations.js';
import { newId } from '../../lib/ids.js';
import { loadSettings } from '../../services/settings.js';
import { loadCatalog } from './catalog.js';
import { fitSharedModel } from './fit.js';
import {
  mainThreadScorer,
  storedListsScorer,
  THREAD_PAGE_SIZE,
  withMainThreadFallback,
} from './page-scorers.js';
import { RECOMMENDATION_PAGE_SIZE } from './profile-context.js';
import { scorePages } from './run-pages.js';
import type { CatalogView } from './score-page.js';
import { type PageScorer, scoringModel } from './scoring-model.js';
import type { ServingSettings } from './settings.js';
import { inMemoryModel } from './shared-model.js';
import { storeSharedLists } from './store.js';

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
  options: { deadline?: number; pageSize?: number } = {},
): Promise<RecommendationProgress | null> {
  const [run] = await deps.db.select().from(recommendationRuns).where(isNull(recommendationRuns.finishedAt));
  if (!run) return null;
  const settings = (await loadSettings(deps)).recommendations;
  const counts = { ...run.counts };
  const pastDeadline = () => options.deadline !== undefined && Date.now() >= options.deadline;
  if (!run.fittedAt && pastDeadline()) return { id: run.id, done: false, counts };
  const { scorer, ahead, pageSize, fit } = run.fittedAt
    ? {
        scorer: storedListsScorer(deps, run.fittedAt, settings),
        ahead: 1,
        pageSize: RECOMMENDATION_PAGE_SIZE,
        fit: undefined,
      }
    : await fitRun(deps, run.id, settings);
  let cursor = run.cursor ?? '';
  try {
    const finished = await scorePages(
      deps,
      run.id,
      cursor,
      counts,
      settings,
      { ahead, pageSize: options.pageSize ?? pageSize },
      pastDeadline,
      scorer,
    );
    cursor = finished.cursor;
    if (!finished.done) return { id: run.id, done: false, counts, ...(fit ? { fit } : {}) };
  } finally {
    await scorer.close();
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

/**
 * The fit of a run: every interaction read, the shared lists fitted and stored. Pages are then
 * scored from the fitted model in memory: on the scoring threads when there are any (the model is
 * copied to them and this thread lets it go; `ahead` keeps each thread one page busy and one
 * waiting), else on this thread.
 */
async function fitRun(
  deps: AppDeps,
  runId: string,
  settings: ServingSettings,
): Promise<{
  scorer: PageScorer;
  ahead: number;
  pageSize: number;
  fit: NonNullable<RecommendationProgress['fit']>;
}> {
  const started = performance.now();
  const now = deps.now();
  const catalog: CatalogView = { items: await loadCatalog(deps), complete: true };
  const fitted = await fitSharedModel(deps, settings, catalog.items, now.getTime());
  await storeSharedLists(deps, fitted.lists, fitted.votes, now);
  await deps.db.update(recommendationRuns).set({ fittedAt: now }).where(eq(recommendationRuns.id, runId));
  const fit = {
    profiles: fitted.profiles,
    interactions: fitted.interactions,
    lists: fitted.lists.size + fitted.votedProducts,
    seconds: (performance.now() - started) / 1000,
  };
  const threads = deps.scoringThreads;
  if (threads && threads.count > 0) {
    const onThreads = threads.open(scoringModel(fitted.votes, fitted.lists, catalog.items, settings));
    const scorer = withMainThreadFallback(deps, onThreads, () => storedListsScorer(deps, now, settings));
    return { scorer, ahead: 2 * threads.count, pageSize: THREAD_PAGE_SIZE, fit };
  }
  const model = inMemoryModel(fitted.votes, fitted.lists);
  return {
    scorer: mainThreadScorer(deps, model, catalog, settings),
    ahead: 1,
    pageSize: RECOMMENDATION_PAGE_SIZE,
    fit,
  };
}
