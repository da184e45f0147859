import type { CatalogItem } from '../rules.js';
import type { LoadedPage, ScoredPage } from './score-page.js';
import type { ServingSettings } from './settings.js';
import type { SharedList } from './shared-model.js';
import type { VoteTable } from './vote-table.js';

/**
 * A full run's per-profile scoring on worker threads (Node only). Scoring is pure CPU once a page
 * is read (item-KNN over the candidates, the rank blend, the fallback chain and the rules: about
 * three quarters of the run after the fit), so while the main thread reads the next pages and
 * writes the finished ones, threads holding a copy of the fitted model score the pages between.
 * Workers (and an incremental refresh, which scores a few profiles from the stored lists) score on
 * the calling thread.
 */
export interface ScoringThreads {
  readonly count: number;
  /** Starts `count` threads holding `model`; close them when the run ends or fails. */
  open(model: ScoringModel): PageScorer;
}

export interface PageScorer {
  score(page: LoadedPage): Promise<ScoredPage>;
  close(): Promise<void>;
}

/** What a thread scores from: the fit's votes, the lists scoring reads, the whole catalogue. */
export interface ScoringModel {
  votes: VoteTable;
  lists: Map<string, SharedList>;
  catalog: Map<string, CatalogItem>;
  settings: ServingSettings;
}

/** Scoring reads only these lists; the others (votes as `knn:`, `together:`, `trending`) stay behind. */
const SCORED_LIST = /^(global$|category:|cluster:|segment:)/;

export function scoringModel(
  votes: VoteTable,
  lists: ReadonlyMap<string, SharedList>,
  catalog: Map<string, CatalogItem>,
  settings: ServingSettings,
): ScoringModel {
  const scored = new Map<string, SharedList>();
  for (const [key, list] of lists) if (SCORED_LIST.test(key)) scored.set(key, list);
  // The votes are the model's bulk (up to 100 per product): in shared memory, every thread reads
  // the one copy instead of cloning its own.
  const sharedVotes: VoteTable = {
    ...votes,
    start: inSharedMemory(votes.start),
    items: inSharedMemory(votes.items),
    similarities: inSharedMemory(votes.similarities),
  };
  return { votes: sharedVotes, lists: scored, catalog, settings };
}

function inSharedMemory<T extends Int32Array | Float64Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(array.byteLength),
  );
  copy.set(array);
  return copy;
}
