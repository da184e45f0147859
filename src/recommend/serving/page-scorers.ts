import type { AppDeps } from '../../app-deps.js';
import { errorFields } from '../../lib/logger.js';
import { extendCatalog } from './catalog.js';
import { cooperative } from './cooperative.js';
import { type CatalogView, scoreLoadedPage } from './score-page.js';
import type { PageScorer } from './scoring-model.js';
import type { ServingSettings } from './settings.js';
import { type SharedModel, storedModel } from './shared-model.js';

// The ways a full run scores its pages: on the calling thread from a model, from the stored lists,
// or on the scoring threads with the calling thread taking over if they fail.

/**
 * Profiles per page on the scoring threads. A thread holds a whole page's candidates at once, and
 * smaller pages keep its heap small: at 200,000 profiles the run peaked at 1,348 MB with pages of
 * 1,000 against 1,679 MB with 5,000, in the same time.
 */
export const THREAD_PAGE_SIZE = 1_000;

/**
 * Threads that fail (out of memory, a crash) hand the run to the main thread: the pages they held
 * and every later one are scored from the stored lists there, as a resumed run would, and the run
 * still finishes.
 */
export function withMainThreadFallback(
  deps: AppDeps,
  threads: PageScorer,
  fallback: () => PageScorer,
): PageScorer {
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
export function storedListsScorer(deps: AppDeps, fittedAt: Date, settings: ServingSettings): PageScorer {
  return mainThreadScorer(
    deps,
    storedModel(deps, fittedAt.getTime()),
    { items: new Map(), complete: false },
    settings,
  );
}

export function mainThreadScorer(
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
