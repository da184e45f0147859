import type { AppDeps } from '../../app-deps.js';
import { ingest } from '../../ingest/pipeline.js';
import type { IngestRecord, IngestResult } from '../../ingest/types.js';

/**
 * Group commit for the tracking API. ingest() runs one batch at a time per database, and each
 * batch pays a fixed price (its reads, the transaction, the commit's WAL write and fsync); under
 * load, requests that arrive while a batch is being written wait anyway. They are joined into the
 * next ingest() call, so one commit covers several requests. Nothing is answered before its
 * commit, so an acknowledged event is as durable as with one commit per request; a request
 * arriving at an idle server is written at once, alone. If a joined batch fails, each request is
 * retried on its own, so one request's bad data cannot fail the others.
 *
 * The embedded database is synchronous: while a batch is written, nothing else runs, and requests
 * that arrived meanwhile are still unread sockets. So after each commit the queue lets the event
 * loop take them in and waits, briefly, for the requests already being read and parsed to join.
 *
 * Node only: on Workers each isolate sees few concurrent requests and D1 caps the statements of a
 * batch, so there every request keeps its own batch.
 */
const MAX_GROUP_RECORDS = 2000;
/** Longest a commit waits for requests still being read; a slow upload must not hold the others. */
const MAX_WAIT_MS = 5;

interface Waiting {
  records: IngestRecord[];
  resolve(results: IngestResult[]): void;
  reject(error: unknown): void;
}

interface Queue {
  waiting: Waiting[];
  draining: boolean;
  /** Requests being read and parsed that will (probably) submit records soon. */
  arriving: number;
  /** Called when `arriving` drops to zero. */
  onArrived?: () => void;
}

/** One request's place in the group: `ingest` its records, or `release` if it will not. */
export interface Ticket {
  ingest(records: IngestRecord[]): Promise<IngestResult[]>;
  release(): void;
}

const queues = new WeakMap<object, Queue>();

/** Taken when a request starts, so a commit about to run can wait for it to finish parsing. */
export function ticket(deps: AppDeps): Ticket {
  if (deps.runtime !== 'node') return { ingest: (records) => ingest(deps, records), release: () => {} };
  const queue = queueOf(deps);
  queue.arriving++;
  let open = true;
  const release = () => {
    if (!open) return;
    open = false;
    queue.arriving--;
    if (queue.arriving === 0) queue.onArrived?.();
  };
  return {
    ingest(records) {
      release();
      return enqueue(deps, queue, records);
    },
    release,
  };
}

/** Without a ticket (callers that do not announce themselves). */
export function ingestGrouped(deps: AppDeps, records: IngestRecord[]): Promise<IngestResult[]> {
  if (deps.runtime !== 'node') return ingest(deps, records);
  return enqueue(deps, queueOf(deps), records);
}

function queueOf(deps: AppDeps): Queue {
  let queue = queues.get(deps.db);
  if (!queue) {
    queue = { waiting: [], draining: false, arriving: 0 };
    queues.set(deps.db, queue);
  }
  return queue;
}

function enqueue(deps: AppDeps, queue: Queue, records: IngestRecord[]): Promise<IngestResult[]> {
  if (records.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    queue.waiting.push({ records, resolve, reject });
    if (!queue.draining) void drain(deps, queue);
  });
}

async function drain(deps: AppDeps, queue: Queue): Promise<void> {
  queue.draining = true;
  try {
    while (queue.waiting.length > 0) {
      await commit(deps, takeGroup(queue.waiting));
      await gather(queue);
    }
  } finally {
    queue.draining = false;
  }
}

/** After a commit: let the event loop read what arrived, then wait for it to be parsed. */
async function gather(queue: Queue): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (queue.arriving === 0 || queue.waiting.length === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, MAX_WAIT_MS);
    function done() {
      clearTimeout(timer);
      queue.onArrived = undefined;
      resolve();
    }
    queue.onArrived = done;
  });
}

/** The oldest requests, as many as fit in MAX_GROUP_RECORDS (always at least one). */
function takeGroup(waiting: Waiting[]): Waiting[] {
  let count = 0;
  let records = 0;
  while (count < waiting.length) {
    const next = waiting[count]!.records.length;
    if (count > 0 && records + next > MAX_GROUP_RECORDS) break;
    records += next;
    count++;
  }
  return waiting.splice(0, count);
}

async function commit(deps: AppDeps, group: Waiting[]): Promise<void> {
  if (group.length > 1) {
    let results: IngestResult[] | undefined;
    try {
      results = await ingest(
        deps,
        group.flatMap((request) => request.records),
      );
    } catch {
      // Fall through: each request alone, so only the one that fails gets the error.
    }
    if (results) {
      let offset = 0;
      for (const request of group) {
        request.resolve(results.slice(offset, offset + request.records.length));
        offset += request.records.length;
      }
      return;
    }
  }
  for (const request of group) {
    try {
      request.resolve(await ingest(deps, request.records));
    } catch (error) {
      request.reject(error);
    }
  }
}
