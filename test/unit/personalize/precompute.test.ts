import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app-deps.js';
import {
  identities,
  profileRecommendations,
  recommendationLists,
  recommendationRefreshQueue,
  segmentMemberships,
  segments,
} from '../../../src/db/schema/index.js';
import { ingest } from '../../../src/ingest/pipeline.js';
import {
  continueRecommendationRun,
  drainRefreshQueue,
  recomputeRecommendations,
  startRecommendationRun,
} from '../../../src/recommend/serving/index.js';
import type { TestApp } from '../../helpers/test-app.js';
import { createShopApp, NOW, OUT_OF_STOCK, order, view } from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createShopApp({ recompute: false });
});
afterEach(async () => {
  await t.close();
});

async function profileOf(deps: AppDeps, email: string): Promise<string> {
  const [row] = await deps.db
    .select({ profileId: identities.profileId })
    .from(identities)
    .where(eq(identities.key, `email\u001f${email}`));
  if (!row) throw new Error(`no profile for ${email}`);
  return row.profileId;
}

async function recommendationsOf(deps: AppDeps, email: string) {
  const [row] = await deps.db
    .select()
    .from(profileRecommendations)
    .where(eq(profileRecommendations.profileId, await profileOf(deps, email)));
  return row;
}

describe('the precompute', () => {
  it('gives every live profile N items, none out of stock, none bought in the last 30 days', async () => {
    const progress = await recomputeRecommendations(t.deps);
    expect(progress.done).toBe(true);
    // 3 × 20 shoppers, one with a single view, one with none.
    expect(progress.counts.profiles).toBe(62);
    expect(progress.fit?.profiles).toBe(61);

    const rows = await t.deps.db.select().from(profileRecommendations);
    expect(rows).toHaveLength(62);
    for (const row of rows) {
      expect(row.items).toHaveLength(10);
      expect(new Set(row.items.map((item) => item.productId)).size).toBe(10);
      expect(row.items.map((item) => item.productId)).not.toContain(OUT_OF_STOCK);
      expect(row.confidence).toBeGreaterThan(0);
      expect(row.confidence).toBeLessThanOrEqual(1);
    }
    const shopper = await recommendationsOf(t.deps, 'shoes3@example.com');
    expect(shopper?.level).toBe('personal');
    // The shopper's own views are left out (excludeBrowsed), and so are its purchases (within 30 days).
    const lists = await t.deps.db.select().from(recommendationLists);
    expect(lists.map((list) => list.key)).toEqual(
      expect.arrayContaining(['global', 'trending', 'category:shoes', 'category:hats', 'category:books']),
    );
    const global = lists.find((list) => list.key === 'global')!;
    expect(global.support).toBe(61);
    expect(global.items.map((item) => item.productId)).not.toContain(OUT_OF_STOCK);
    expect(lists.some((list) => list.key.startsWith('together:'))).toBe(true);
    expect(lists.some((list) => list.key.startsWith('knn:'))).toBe(true);
  });

  it('ranks the personal list by taste: a shoe buyer is offered shoes first', async () => {
    await recomputeRecommendations(t.deps);
    const row = await recommendationsOf(t.deps, 'shoes5@example.com');
    expect(row?.level).toBe('personal');
    // At most 3 per category (diversity): the top three are shoes, then other categories; with
    // three categories only nine fit under the cap, so the tenth is a shoe over the cap, last.
    const categories = row!.items.map((item) => item.productId.split('-')[0]);
    expect(categories.slice(0, 3)).toEqual(['shoes', 'shoes', 'shoes']);
    expect(categories.slice(3, 9)).not.toContain('shoes');
    expect(categories[9]).toBe('shoes');
  });

  it('falls back to the global level, with its confidence, for profiles without a history', async () => {
    await recomputeRecommendations(t.deps);
    for (const email of ['quiet@example.com', 'oneview@example.com']) {
      const row = await recommendationsOf(t.deps, email);
      expect(row?.level).toBe('global');
      // 61 profiles behind the global list, half-trusted at 20.
      expect(row?.confidence).toBeCloseTo(61 / 81, 4);
      expect(row?.items).toHaveLength(10);
    }
  });

  it("gives a profile without a history its primary segment's favourites, trusted by the members behind them", async () => {
    const now = new Date(NOW);
    await t.deps.db.insert(segments).values({
      id: 'seg_shoe_fans',
      name: 'Shoe fans',
      groupName: 'lifecycle',
      rule: { type: 'trait', trait: 'first_name', op: 'exists' },
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    const members = ['quiet@example.com', ...Array.from({ length: 20 }, (_, p) => `shoes${p}@example.com`)];
    for (const email of members) {
      await t.deps.db
        .insert(segmentMemberships)
        .values({ segmentId: 'seg_shoe_fans', profileId: await profileOf(t.deps, email), enteredAt: now });
    }
    await recomputeRecommendations(t.deps);
    const row = await recommendationsOf(t.deps, 'quiet@example.com');
    expect(row?.level).toBe('segment');
    // 20 members with interactions, half-trusted at 20.
    expect(row?.confidence).toBe(0.5);
    expect(row!.items.slice(0, 3).map((item) => item.productId.split('-')[0])).toEqual([
      'shoes',
      'shoes',
      'shoes',
    ]);
    const [list] = await t.deps.db
      .select()
      .from(recommendationLists)
      .where(eq(recommendationLists.key, 'segment:seg_shoe_fans'));
    expect(list?.support).toBe(20);
  });

  it('resumes a run page by page from its cursor, scoring from the stored lists', async () => {
    await startRecommendationRun(t.deps);
    // A deadline in the past: nothing happens, the run stays open.
    const idle = await continueRecommendationRun(t.deps, { deadline: Date.now() - 1 });
    expect(idle).toMatchObject({ done: false, counts: { profiles: 0 } });
    const done = await continueRecommendationRun(t.deps);
    expect(done).toMatchObject({ done: true, counts: { profiles: 62 } });
    expect(await continueRecommendationRun(t.deps)).toBeNull();
  });

  it('queues profiles with product activity, and a drain before the first full run scores nothing', async () => {
    // The fixture's product events were ingested with no fit to score against.
    expect(await t.deps.db.select().from(profileRecommendations)).toEqual([]);
    const queued = await t.deps.db.select().from(recommendationRefreshQueue);
    // 60 shoppers and the one-view visitor; not the CRM-only profile.
    expect(queued).toHaveLength(61);
    expect(await drainRefreshQueue(t.deps)).toEqual({ profiles: 0, remaining: false, failed: false });
    expect(await t.deps.db.select().from(recommendationRefreshQueue)).toEqual([]);
    expect(await t.deps.db.select().from(profileRecommendations)).toEqual([]);
  });

  it('keeps the profiles queued when a drain fails, and logs why', async () => {
    await recomputeRecommendations(t.deps);
    await drainRefreshQueue(t.deps);
    await ingest(t.deps, [view('quiet@example.com', 'books-0', NOW, 'fail-1')]);
    const broken = {
      ...t.deps,
      db: new Proxy(t.deps.db, {
        get: (target, name) =>
          name === '$client'
            ? {
                transaction: () => undefined,
                prepare: () => {
                  throw new Error('SQLITE_CORRUPT');
                },
              }
            : Reflect.get(target, name),
      }),
    };
    expect(await drainRefreshQueue(broken)).toMatchObject({ remaining: true, failed: true });
    expect(
      t.logLines.some(
        (line) => line.includes('recommendation refresh failed') && line.includes('SQLITE_CORRUPT'),
      ),
    ).toBe(true);
    expect(await t.deps.db.select().from(recommendationRefreshQueue)).toHaveLength(1);
    expect(await drainRefreshQueue(t.deps)).toMatchObject({ profiles: 1, remaining: false });
  });

  it('rescores a profile after product events: queued by ingest, one rescore for many events', async () => {
    await recomputeRecommendations(t.deps);
    await drainRefreshQueue(t.deps);
    const before = await recommendationsOf(t.deps, 'quiet@example.com');
    expect(before?.level).toBe('global');
    const at = new Date(NOW.getTime() - 3_600_000);
    await ingest(t.deps, [view('quiet@example.com', 'books-0', at, 'q1')]);
    await ingest(t.deps, [
      view('quiet@example.com', 'books-1', at, 'q2'),
      view('quiet@example.com', 'books-2', at, 'q3'),
      order('quiet@example.com', ['books-3'], at, 'q4'),
    ]);
    // Off the ingest path: nothing changed yet, and the profile is queued once.
    expect((await recommendationsOf(t.deps, 'quiet@example.com'))?.level).toBe('global');
    expect(await t.deps.db.select().from(recommendationRefreshQueue)).toHaveLength(1);
    expect(await drainRefreshQueue(t.deps)).toEqual({ profiles: 1, remaining: false, failed: false });
    const after = await recommendationsOf(t.deps, 'quiet@example.com');
    expect(after?.level).toBe('personal');
    expect(after!.computedAt.getTime()).toBe(NOW.getTime());
    const ids = after!.items.map((item) => item.productId);
    // What it just looked at and bought is not offered back; other books are, first.
    for (const seen of ['books-0', 'books-1', 'books-2', 'books-3']) expect(ids).not.toContain(seen);
    expect(ids[0]).toMatch(/^books-/);
  });
});

describe('the background drain (Node, ESP_HUB_RECS_REFRESH_DELAY_MS)', () => {
  it('rescores shortly after ingest without being asked', async () => {
    await recomputeRecommendations(t.deps);
    await drainRefreshQueue(t.deps);
    t.deps.settings.recommendationRefreshDelayMs = 10;
    const at = new Date(NOW.getTime() - 3_600_000);
    await ingest(t.deps, [
      view('quiet@example.com', 'hats-1', at, 'bg-1'),
      view('quiet@example.com', 'hats-2', at, 'bg-2'),
      order('quiet@example.com', ['hats-3'], at, 'bg-3'),
    ]);
    for (let waited = 0; waited < 5_000; waited += 20) {
      if ((await t.deps.db.select().from(recommendationRefreshQueue)).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await t.deps.db.select().from(recommendationRefreshQueue)).toEqual([]);
    expect((await recommendationsOf(t.deps, 'quiet@example.com'))?.level).toBe('personal');
  });

  it('does not take a profile off the queue that was queued again while the drain scored it', async () => {
    await recomputeRecommendations(t.deps);
    await drainRefreshQueue(t.deps);
    await ingest(t.deps, [view('quiet@example.com', 'hats-1', NOW, 'again-1')]);
    // Queue the profile again between the drain's read and its delete, as a concurrent ingest would
    // (the rescore asks for the time once it has read the page).
    const client = (t.deps.db as unknown as { $client: { prepare(sql: string): { run(): unknown } } })
      .$client;
    let requeued = false;
    const interleaved = {
      ...t.deps,
      now: () => {
        if (!requeued)
          client.prepare('update recommendation_refresh_queue set queued_at = queued_at + 1000').run();
        requeued = true;
        return NOW;
      },
    };
    // The first pass left the re-queued row, so the drain's next page scored the profile again (a
    // delete by profile alone would have dropped that second rescore) and then took it off.
    expect(await drainRefreshQueue(interleaved)).toEqual({ profiles: 2, remaining: false, failed: false });
    expect(requeued).toBe(true);
    expect(await t.deps.db.select().from(recommendationRefreshQueue)).toEqual([]);
  });
});
