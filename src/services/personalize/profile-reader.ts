import type { Worker } from 'node:worker_threads';
import { errorFields, type Logger } from '../../lib/logger.js';
import { startTsWorker, workerModuleUrl } from '../../lib/ts-worker.js';
import type { ProfileLookup, ProfileRow } from './profile-query.js';

/**
 * The send-time webhook's profile reads on a second core (Node, embedded database only). Each send
 * is one multi-table point lookup, ~30 % of the webhook's CPU on one thread; here a worker thread
 * with its own read-only connection answers them while the main thread parses requests and
 * writes answers. Lookups made in the same callback travel as one message.
 * D1 and libSQL servers are already asynchronous and read inline.
 */
export interface ProfileReader {
  /** Whether the thread is up: until it is (start-up, restart after a failure), callers read inline. */
  available(): boolean;
  /** Waits for the thread if it is starting; rejects if it fails. */
  read(lookup: ProfileLookup): Promise<ProfileRow | undefined>;
  close(): Promise<void>;
}

export interface ReaderJob {
  id: number;
  lookups: ProfileLookup[];
}
export type ReaderMessage =
  | { ready: true }
  | { id: number; rows: Array<ProfileRow | null>; error?: string | undefined };

interface Waiter {
  resolve(row: ProfileRow | undefined): void;
  reject(error: unknown): void;
}

const WORKER_URL = workerModuleUrl(import.meta.url, 'profile-reader-worker');
/**
 * After a failure, how long until the next start: 5 s, doubling while it keeps failing (a file that
 * cannot be opened is not retried hot), back to 5 s once a thread comes up.
 */
const FIRST_RESTART_DELAY_MS = 5_000;
const MAX_RESTART_DELAY_MS = 300_000;

/** Starts the reader thread now, so it is warm before the first send. */
export function createProfileReader(path: string, logger?: Logger): ProfileReader {
  let restartDelayMs = FIRST_RESTART_DELAY_MS;
  let worker: Worker | undefined;
  let ready = false;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, Waiter[]>();
  let queued: { lookups: ProfileLookup[]; waiters: Waiter[] } | undefined;
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    if (!ready || !queued) return;
    const id = nextId++;
    pending.set(id, queued.waiters);
    worker?.postMessage({ id, lookups: queued.lookups } satisfies ReaderJob);
    queued = undefined;
  };

  const start = () => {
    const thread = startTsWorker(WORKER_URL, { workerData: { path } });
    // An idle reader must not keep the process alive (tests, CLIs, graceful shutdown).
    thread.unref();
    worker = thread;
    const fail = (error: unknown) => {
      if (worker !== thread) return;
      worker = undefined;
      ready = false;
      for (const waiters of pending.values()) for (const waiter of waiters) waiter.reject(error);
      pending.clear();
      for (const waiter of queued?.waiters ?? []) waiter.reject(error);
      queued = undefined;
      void thread.terminate();
      if (closed) return;
      logger?.warn('profile reader thread failed; sends are read inline until it restarts', {
        restartInMs: restartDelayMs,
        ...errorFields(error),
      });
      setTimeout(() => closed || worker || start(), restartDelayMs).unref();
      restartDelayMs = Math.min(restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    };
    thread.on('message', (message: ReaderMessage) => {
      if ('ready' in message) {
        ready = true;
        restartDelayMs = FIRST_RESTART_DELAY_MS;
        flush();
        return;
      }
      const waiters = pending.get(message.id) ?? [];
      pending.delete(message.id);
      const error = message.error === undefined ? undefined : new Error(`profile reader: ${message.error}`);
      waiters.forEach((waiter, i) => {
        if (error) waiter.reject(error);
        else waiter.resolve(message.rows[i] ?? undefined);
      });
    });
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`profile reader thread exited with code ${code}`)));
  };
  start();

  return {
    available: () => ready,
    read(lookup) {
      if (closed) return Promise.reject(new Error('profile reader is closed'));
      if (!worker) return Promise.reject(new Error('profile reader is restarting after a failure'));
      return new Promise((resolve, reject) => {
        queued ??= { lookups: [], waiters: [] };
        queued.lookups.push(lookup);
        queued.waiters.push({ resolve, reject });
        if (ready && !flushScheduled) {
          flushScheduled = true;
          // At the end of this callback, not of the whole I/O phase: the thread starts on the first
          // request while the next ones are parsed (waiting for the phase left the main thread idle
          // while the thread caught up: 11.7k against 13.9k sends/s measured).
          queueMicrotask(flush);
        }
      });
    },
    async close() {
      closed = true;
      ready = false;
      const closing = worker;
      worker = undefined;
      if (closing) await closing.terminate();
    },
  };
}
