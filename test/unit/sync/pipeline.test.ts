import { describe, expect, it } from 'vitest';
import type { DestinationRecord, RecordResult } from '../../../src/connector-kit/types.js';
import type { PageEvaluation } from '../../../src/sync/evaluate-page.js';
import type { ProfilePage } from '../../../src/sync/load-page.js';
import { deliverPages } from '../../../src/sync/pipeline.js';

/** Pages of `size` profiles p0, p1, … up to `total`, read after a profile id. */
function pages(total: number, size: number) {
  const reads: Array<string | null> = [];
  const load = (after: string | null): ProfilePage => {
    reads.push(after);
    const start = after === null ? 0 : Number(after.slice(1)) + 1;
    const ids = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => `p${start + i}`);
    return {
      views: ids.map((id) => ({
        id,
        traits: {},
        metrics: undefined,
        identities: { email: `${id}@x.co` },
        consent: {},
      })),
      delivered: new Map(),
      lastId: ids.at(-1) ?? null,
    };
  };
  return { reads, load };
}

const evaluate = (page: ProfilePage): PageEvaluation => ({
  changed: page.views.map((view) => ({ profileId: view.id, email: view.identities.email!, fields: {} })),
  next: new Map(),
  scanned: page.views.length,
  unchanged: 0,
  skipped: 0,
});

/** A vendor whose answers the test releases by hand, in any order. */
function heldVendor() {
  const held = new Map<string, () => void>();
  const send = (batch: DestinationRecord[]) =>
    new Promise<RecordResult[]>((resolve) => {
      held.set(batch[0]!.profileId, () =>
        resolve(batch.map((record) => ({ profileId: record.profileId, status: 'ok' as const }))),
      );
    });
  const release = async (firstId: string) => {
    for (let i = 0; i < 50 && !held.has(firstId); i++) await new Promise((resolve) => setTimeout(resolve, 1));
    held.get(firstId)!();
    held.delete(firstId);
  };
  return { send, release, held };
}

describe('page pipeline', () => {
  it('commits pages in order even when a later page is answered first', async () => {
    const source = pages(6, 2);
    const vendor = heldVendor();
    const commits: Array<string | null> = [];
    const done = deliverPages({
      first: source.load(null),
      loadAfter: async (after) => source.load(after),
      evaluate,
      send: vendor.send,
      limits: { batchSize: 2, concurrency: 4 },
      pageSize: 2,
      commit: async (_evaluation, results, lastId) => {
        expect(results.every((result) => result.status === 'ok')).toBe(true);
        commits.push(lastId);
      },
      mayContinue: () => true,
    });
    await vendor.release('p2');
    await vendor.release('p4');
    expect(commits).toEqual([]);
    await vendor.release('p0');
    expect(await done).toBe(true);
    expect(commits).toEqual(['p1', 'p3', 'p5']);
  });

  it.each([
    // One connection, batches of 2: two pages (4 records) in flight, so one uncommitted page when reading.
    { concurrency: 1, ahead: 1 },
    // Three connections: a batch for each (6 records), so up to two uncommitted pages when reading.
    { concurrency: 3, ahead: 2 },
  ])(
    'reads ahead no further than the records it may have in flight ($concurrency connections)',
    async ({ concurrency, ahead }) => {
      const source = pages(12, 2);
      const vendor = heldVendor();
      let read = 1;
      let committed = 0;
      const uncommittedAtRead: number[] = [];
      const done = deliverPages({
        first: source.load(null),
        loadAfter: async (after) => {
          uncommittedAtRead.push(read - committed);
          read++;
          return source.load(after);
        },
        evaluate,
        send: vendor.send,
        limits: { batchSize: 2, concurrency },
        pageSize: 2,
        commit: async () => {
          committed++;
        },
        mayContinue: () => true,
      });
      // Answer the oldest call only once the pipeline can do nothing more without an answer, so
      // every read-ahead it allows itself has happened.
      let finished = false;
      void done.then(() => {
        finished = true;
      });
      while (!finished) {
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
        const oldest = vendor.held.keys().next().value;
        if (oldest !== undefined) await vendor.release(oldest);
      }
      expect(await done).toBe(true);
      expect(committed).toBe(6);
      expect(Math.max(...uncommittedAtRead)).toBe(ahead);
    },
  );

  it('stops reading when told to, after committing what is in flight', async () => {
    const source = pages(10, 2);
    const vendor = heldVendor();
    const commits: Array<string | null> = [];
    const done = deliverPages({
      first: source.load(null),
      loadAfter: async (after) => source.load(after),
      evaluate,
      send: vendor.send,
      limits: { batchSize: 2, concurrency: 2 },
      pageSize: 2,
      commit: async (_evaluation, _results, lastId) => {
        commits.push(lastId);
      },
      mayContinue: () => false,
    });
    await vendor.release('p0');
    expect(await done).toBe(false);
    expect(commits).toEqual(['p1']);
    expect(source.reads).toEqual([null]);
  });
});
