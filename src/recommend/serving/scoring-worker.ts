import { parentPort, workerData } from 'node:worker_threads';
import { type PageScoringIo, scoreLoadedPage } from './score-page.js';
import type { ScoringModel } from './scoring-model.js';
import type { ScoringJob, ScoringResult } from './scoring-threads.js';
import { inMemoryModel } from './shared-model.js';

// A scoring thread (scoring-threads.ts): the fitted model arrives once, pages one at a time.
const { votes, lists, catalog, settings } = workerData as ScoringModel;
const model = inMemoryModel(votes, lists);
const view = { items: catalog, complete: true };
const io: PageScoringIo = {
  // The whole catalogue is here; a page never needs more of it.
  extendCatalog: async () => {},
  // Nothing else runs on this thread.
  pause: async () => {},
};

parentPort!.on('message', async (job: ScoringJob) => {
  let result: ScoringResult;
  try {
    result = { id: job.id, page: await scoreLoadedPage(job.page, model, view, settings, io) };
  } catch (error) {
    // The stack, so a failure names where it happened.
    result = { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(result);
});
