import type { DestinationRecord, RecordResult } from '../connector-kit/types.js';
import { chunked } from '../db/chunk.js';
import type { PageEvaluation } from './evaluate-page.js';
import type { ProfilePage } from './load-page.js';

/**
 * Up to `concurrency` write calls in flight at once, across pages: a batch starts as soon as any
 * call finishes (the shared rate budget still paces them).
 */
function deliveryPool(concurrency: number, send: (batch: DestinationRecord[]) => Promise<RecordResult[]>) {
  const queue: Array<{ batch: DestinationRecord[]; settle(answer: Promise<RecordResult[]>): void }> = [];
  let active = 0;
  const pump = () => {
    while (active < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active++;
      const answer = send(job.batch);
      job.settle(answer);
      answer
        .catch(() => undefined)
        .finally(() => {
          active--;
          pump();
        });
    }
  };
  return {
    /** Queues a page's batches; `dispatched` resolves once the last is on its way. */
    submit(batches: DestinationRecord[][]): { results: Promise<RecordResult[]>; dispatched: Promise<void> } {
      let lastDispatched!: () => void;
      const dispatched = new Promise<void>((resolve) => {
        lastDispatched = resolve;
      });
      if (batches.length === 0) lastDispatched();
      const answers = batches.map(
        (batch, index) =>
          new Promise<RecordResult[]>((resolve, reject) => {
            queue.push({
              batch,
              settle(answer) {
                answer.then(resolve, reject);
                if (index === batches.length - 1) lastDispatched();
              },
            });
          }),
      );
      pump();
      return { results: Promise.all(answers).then((all) => all.flat()), dispatched };
    },
  };
}

/** Runs `work` once pending I/O callbacks have had their turn, so requests just started go out first. */
function afterIo<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(work);
}

export interface PagePipeline {
  first: ProfilePage;
  loadAfter(lastId: string | null): Promise<ProfilePage>;
  evaluate(page: ProfilePage): PageEvaluation;
  /** Undefined for a dry run: nothing is sent and every page commits with no results. */
  send?: (batch: DestinationRecord[]) => Promise<RecordResult[]>;
  limits: { batchSize: number; concurrency: number };
  /** Profiles per page read (the sync's pageSize). */
  pageSize: number;
  /** Called once per page, in page order, after its results are in and the page before committed. */
  commit(evaluation: PageEvaluation, results: RecordResult[], lastId: string | null): Promise<void>;
  /** Asked before each further page is read: false stops the run after the pages in flight. */
  mayContinue(): boolean;
}

/**
 * Delivers page after page with the next page already going out while the previous ones' last
 * calls are answered and their results committed: the vendor's connections and request budget are
 * not left idle while we read, map and write our own database. A further page is read once the
 * current one's last batch is on its way, as long as the pages not yet committed hold fewer
 * records than two pages, or than one batch for each connection the connector allows when that is
 * more (so small pages still keep every connection busy). Pages commit strictly in order, so the
 * checkpoint only moves forward, and a crash re-sends at most the records in flight (that limit
 * plus one page), which the destinations' upserts absorb.
 *
 * Returns true when the profiles ran out, false when `mayContinue` stopped it.
 */
export async function deliverPages(pipeline: PagePipeline): Promise<boolean> {
  const { batchSize, concurrency } = pipeline.limits;
  const pool = pipeline.send ? deliveryPool(Math.max(1, concurrency), pipeline.send) : undefined;
  // A page's batches are no larger than the page, hence min(batchSize, pageSize).
  const inFlightLimit = Math.max(2 * pipeline.pageSize, concurrency * Math.min(batchSize, pipeline.pageSize));
  /** Pages sent and not yet committed, oldest first. */
  const uncommitted: Array<{ records: number; committed: Promise<void> }> = [];
  const inFlight = () => uncommitted.reduce((sum, entry) => sum + entry.records, 0);
  let page: ProfilePage | undefined = pipeline.first;
  let committed: Promise<void> = Promise.resolve();
  let exhausted = false;
  while (page) {
    if (page.views.length === 0) {
      exhausted = true;
      break;
    }
    const evaluation = pipeline.evaluate(page);
    const lastId: string | null = page.lastId;
    const records = page.views.length;
    page = undefined;
    const { results, dispatched } = pool
      ? pool.submit(chunked(evaluation.changed, batchSize))
      : { results: Promise.resolve([]), dispatched: Promise.resolve() };
    const before = committed;
    committed = Promise.all([results, before]).then(([answers]) =>
      pipeline.commit(evaluation, answers, lastId),
    );
    const thisPage = committed;
    // Awaited below (or through a later page's chain); this keeps an early failure from going unhandled.
    thisPage.catch(() => undefined);
    const entry = { records, committed: thisPage };
    uncommitted.push(entry);
    thisPage.then(() => uncommitted.splice(uncommitted.indexOf(entry), 1)).catch(() => undefined);
    await Promise.race([dispatched, thisPage]);
    while (inFlight() >= inFlightLimit) await uncommitted[0]!.committed;
    if (!pipeline.mayContinue()) break;
    page = await afterIo((): Promise<ProfilePage> => pipeline.loadAfter(lastId));
  }
  await committed;
  return exhausted;
}
