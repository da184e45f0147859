import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../lib/ts-worker.js';
import type { LoadedPage, ScoredPage } from './score-page.js';
import type { PageScorer, ScoringModel, ScoringThreads } from './scoring-model.js';

// Node only (worker threads): the Workers bundle imports scoring-model.ts, never this file.

export interface ScoringJob {
  id: number;
  page: LoadedPage;
}
export type ScoringResult = { id: number; page: ScoredPage } | { id: number; error: string };

const WORKER_URL = new URL('./scoring-worker.ts', import.meta.url).href;

export function createScoringThreads(count: number): ScoringThreads {
  return { count, open: (model) => openThreads(count, model) };
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve(page: ScoredPage): void; reject(error: unknown): void }>;
}

function openThreads(count: number, model: ScoringModel): PageScorer {
  let nextId = 0;
  let closed = false;
  const threads: Thread[] = [];
  for (let i = 0; i < count; i++) {
    // The model is copied into each thread once (structured clone), not sent with every page.
    const worker = startTsWorker(WORKER_URL, { workerData: model });
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    const fail = (error: unknown) => {
      for (const waiter of thread.pending.values()) waiter.reject(error);
      thread.pending.clear();
    };
    worker.on('message', (result: ScoringResult) => {
      const waiter = thread.pending.get(result.id);
      thread.pending.delete(result.id);
      if ('error' in result) waiter?.reject(new Error(`scoring thread: ${result.error}`));
      else waiter?.resolve(result.page);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`scoring thread exited with code ${code}`));
    });
    threads.push(thread);
  }
  return {
    score(page) {
      if (closed) return Promise.reject(new Error('the scoring threads are closed'));
      // The least busy thread: pages differ in size (profiles with long histories cost more).
      const thread = threads.reduce((best, next) => (next.pending.size < best.pending.size ? next : best));
      const id = nextId++;
      return new Promise<ScoredPage>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage({ id, page } satisfies ScoringJob);
      });
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
      for (const thread of threads)
        for (const waiter of thread.pending.values())
          waiter.reject(new Error('the scoring threads were closed'));
    },
  };
}
