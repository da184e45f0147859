import { eq, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { profileRecommendations, recommendationRuns } from '../../db/schema/recommendations.js';
import { newId } from '../../lib/ids.js';
import { errorFields } from '../../lib/logger.js';
import { loadSettings } from '../../services/settings.js';
import { extendCatalog, loadCatalog } from './catalog.js';
import { cooperative } from './cooperative.js';
import { fitSharedModel } from './fit.js';
import { nextProfilePage, RECOMMENDATION_PAGE_SIZE } from './profile-context.js';
import { type CatalogView, loadPage, type ScoredPage, scoreLoadedPage } from './score-page.js';
import { type PageScorer, scoringModel } from './scoring-model.js';
import type { ServingSettings } from './settings.js';
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

/**
 * Profiles per page on the scoring threads. A thread holds a whole page's candidates at once, and
 * smaller pages keep its heap small: at 200,000 profiles the run peaked at 1,348 MB with pages of
 * 1,000 against 1,679 MB with 5,000, in the same time.
 */
const THREAD_PAGE_SIZE = 1_000;

/**
 * Threads that fail (out of memory, a crash) hand the run to the main thread: the pages they held
 * and every later one are scored from the stored lists there, as a resumed run would, and the run
 * still finishes.
 */
function withMainThreadFallback(deps: AppDeps, threads: PageScorer, fallback: () => PageScorer): PageScorer {
  let inline: PageScorer | undefined;
  return {
    async score(page) {
      if (!inline) {
        try {
          return await threads.score(page);
        } catch (error) {
          if (!inline) {
            deps.logger.warn('recommendations: a scoring thread failed; the run goes on on the main thread', {
              ...errorFields(error),
            });
            inline = fallback();
            void threads.close();
          }
        }
      }
      return inline.score(page);
    },
    close: () => threads.close(),
  };
}

/** A resumed run (the next Workers tick, or after a failure) scores from the stored lists. */
function storedListsScorer(deps: AppDeps, fittedAt: Date, settings: ServingSettings): PageScorer {
  return mainThreadScorer(
    deps,
    storedModel(deps, fittedAt.getTime()),
    { items: new Map(), complete: false },
    settings,
  );
}

function mainThreadScorer(
  deps: AppDeps,
  model: SharedModel,
  catalog: CatalogView,
  settings: ServingSettings,
): PageScorer {
  return {
    score: (page) =>
      scoreLoadedPage(page, model, catalog, settings, {
        extendCatalog: (products) => extendCatalog(deps, catalog.items, products),
        pause: cooperative(),
      }),
    close: async () => {},
  };
}

/**
 * Reads, scores and writes pages of live profiles after `cursor`, in id order, until none are left
 * (done) or `pastDeadline`. Up to `ahead` pages are read while earlier ones are scored; each is written
 * with the run's cursor and counts in one transaction, in order, so a resumed run starts after the
 * last page written and no profile is skipped.
 */
async function scorePages(
  deps: AppDeps,
  runId: string,
  startCursor: string,
  counts: RunRow['counts'],
  settings: ServingSettings,
  { ahead, pageSize }: { ahead: number; pageSize: number },
  pastDeadline: () => boolean,
  scorer: PageScorer,
): Promise<{ cursor: string; done: boolean }> {
  const inFlight: Array<{ cursor: string; scored: Promise<ScoredPage> }> = [];
  let readCursor = startCursor;
  let writtenCursor = startCursor;
  let exhausted = false;

  const writeOldest = async () => {
    const { cursor, scored } = inFlight.shift()!;
    const { rows, levels } = await scored;
    counts.profiles += rows.length;
    counts.personal += levels.personal;
    counts.segment += levels.segment;
    counts.global += levels.global;
    await atomic(deps.db, [
      ...profileRowWrites(deps, rows),
      deps.db.update(recommendationRuns).set({ cursor, counts }).where(eq(recommendationRuns.id, runId)),
    ]);
    writtenCursor = cursor;
  };

  try {
    while (!exhausted && !pastDeadline()) {
      const ids = await nextProfilePage(deps, readCursor, pageSize);
      if (ids.length === 0) {
        exhausted = true;
        break;
      }
      readCursor = ids[ids.length - 1]!;
      const now = deps.now().getTime();
      const page = await loadPage(deps, ids, { from: ids[0]!, to: readCursor }, settings, now);
      const scored = scorer.score(page);
      // Awaited in order below; a failure meanwhile must not count as unhandled.
      scored.catch(() => {});
      inFlight.push({ cursor: readCursor, scored });
      if (inFlight.length >= ahead) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    // After a failure, pages scored but not written are scored again by the next call.
    inFlight.length = 0;
  }
  return { cursor: writtenCursor, done: exhausted };
}
