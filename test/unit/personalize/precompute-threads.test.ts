import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app-deps.js';
import {
  profileRecommendations,
  profiles,
  recommendationRuns,
  segmentMemberships,
  segments,
} from '../../../src/db/schema/index.js';
import { continueRecommendationRun, startRecommendationRun } from '../../../src/recommend/serving/index.js';
import { nextProfilePage } from '../../../src/recommend/serving/profile-context.js';
import { scorePages } from '../../../src/recommend/serving/run-pages.js';
import { loadPage } from '../../../src/recommend/serving/score-page.js';
import type { PageScorer, ScoringThreads } from '../../../src/recommend/serving/scoring-model.js';
import { createScoringThreads } from '../../../src/recommend/serving/scoring-threads.js';
import { voteTableFromStored } from '../../../src/recommend/serving/vote-table.js';
import { loadSettings } from '../../../src/services/settings.js';
import type { TestApp } from '../../helpers/test-app.js';
import { createShopApp, NOW } from './fixtures.js';

// Pages of 7: the 62 shoppers take 9, so several are in flight on the threads at once.
const PAGE_SIZE = 7;

let t: TestApp;
beforeEach(async () => {
  t = await createShopApp({ recompute: false });
});
afterEach(async () => {
  await t.close();
});

async function storedLists(deps: AppDeps) {
  const rows = await deps.db.select().from(profileRecommendations);
  return rows
    .map(({ profileId, items, level, confidence }) => ({ profileId, items, level, confidence }))
    .sort((a, b) => (a.profileId < b.profileId ? -1 : 1));
}

async function fullRun(deps: AppDeps) {
  await startRecommendationRun(deps);
  return continueRecommendationRun(deps, { pageSize: PAGE_SIZE });
}

/** Real threads whose scorer fails on the `failAt`-th page (1-based), as a crashed thread would. */
function failingThreads(failAt: number): ScoringThreads & { opened: PageScorer[] } {
  const real = createScoringThreads(2);
  const opened: PageScorer[] = [];
  return {
    count: real.count,
    opened,
    open(model) {
      const scorer = real.open(model);
      let pages = 0;
      const wrapped: PageScorer = {
        score: (page) => (++pages === failAt ? Promise.reject(new Error('thread lost')) : scorer.score(page)),
        close: () => scorer.close(),
      };
      opened.push(wrapped);
      return wrapped;
    },
  };
}

describe('a full run scored on threads', () => {
  it('stores the same lists, levels and counts as scoring on the main thread', async () => {
    // A grouped segment of everyone: the profile without a history gets its favourites.
    await t.deps.db.insert(segments).values({
      id: 'seg_everyone',
      name: 'Everyone',
      groupName: 'lifecycle',
      rule: { type: 'trait', trait: 'first_name', op: 'exists' },
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    const people = await t.deps.db.select({ id: profiles.id }).from(profiles);
    await t.deps.db
      .insert(segmentMemberships)
      .values(people.map(({ id }) => ({ segmentId: 'seg_everyone', profileId: id, enteredAt: NOW })));
    const inline = await fullRun(t.deps);
    const expected = await storedLists(t.deps);
    expect(expected).toHaveLength(62);

    t.deps.scoringThreads = createScoringThreads(2);
    const threaded = await fullRun(t.deps);
    expect(threaded?.done).toBe(true);
    expect(threaded?.counts).toEqual(inline?.counts);
    expect(await storedLists(t.deps)).toEqual(expected);
    // Every level is represented, so the comparison covers the whole chain.
    expect(threaded?.counts.profiles).toBe(62);
    expect(threaded?.counts.personal).toBeGreaterThan(0);
    expect(threaded?.counts.segment).toBeGreaterThan(0);
  });

  it('goes on on the main thread when a thread fails, and stores the same lists', async () => {
    await fullRun(t.deps);
    const expected = await storedLists(t.deps);

    const threads = failingThreads(4);
    t.deps.scoringThreads = threads;
    const progress = await fullRun(t.deps);
    expect(progress).toMatchObject({ done: true, counts: { profiles: 62 } });
    expect(await storedLists(t.deps)).toEqual(expected);
    expect(
      t.logLines.some((line) => line.includes('a scoring thread failed') && line.includes('thread lost')),
    ).toBe(true);
    // The threads were closed when the main thread took over.
    await expect(threads.opened[0]!.score({} as never)).rejects.toThrow();
  });

  it('survives threads that run out of memory (a heap limit far below the model)', async () => {
    await fullRun(t.deps);
    const expected = await storedLists(t.deps);
    t.deps.scoringThreads = createScoringThreads(2, { heapMb: 2 });
    const progress = await fullRun(t.deps);
    expect(progress).toMatchObject({ done: true, counts: { profiles: 62 } });
    expect(await storedLists(t.deps)).toEqual(expected);
    expect(t.logLines.some((line) => line.includes('a scoring thread failed'))).toBe(true);
  });

  it('reports an error inside a thread as a failed page, with where it happened', async () => {
    const { recommendations } = await loadSettings(t.deps);
    const ids = (await nextProfilePage(t.deps, '', 5)).sort();
    const page = await loadPage(t.deps, ids, { ids }, recommendations, t.deps.now().getTime());
    const scorer = createScoringThreads(1).open({
      votes: voteTableFromStored(new Map()),
      lists: new Map(),
      catalog: new Map(),
      // Settings without the fallback chain's: scoring throws on the thread.
      settings: { ...recommendations, fallback: undefined as never },
    });
    try {
      await expect(scorer.score(page)).rejects.toThrow(/scoring thread: .*score-page/s);
    } finally {
      await scorer.close();
    }
  });

  it('writes pages in order and stops at a failed one, the cursor after the last page written', async () => {
    const runId = await startRecommendationRun(t.deps);
    const { recommendations } = await loadSettings(t.deps);
    let pages = 0;
    // Later pages finish first; page 4 fails.
    const scorer: PageScorer = {
      score: async (page) => {
        const k = ++pages;
        await new Promise((resolve) => setTimeout(resolve, (10 - k) * 3));
        if (k === 4) throw new Error('page 4 failed');
        return {
          rows: page.ids.map((profileId) => ({
            profileId,
            items: [],
            level: 'global' as const,
            confidence: 0,
            computedAt: NOW,
          })),
          levels: { personal: 0, segment: 0, global: page.ids.length },
        };
      },
      close: async () => {},
    };
    const counts = { profiles: 0, personal: 0, segment: 0, global: 0 };
    await expect(
      scorePages(
        t.deps,
        runId,
        '',
        counts,
        recommendations,
        { ahead: 4, pageSize: PAGE_SIZE },
        () => false,
        scorer,
      ),
    ).rejects.toThrow('page 4 failed');
    const firstPages = (await nextProfilePage(t.deps, '', 3 * PAGE_SIZE)).sort();
    const [run] = await t.deps.db.select().from(recommendationRuns);
    expect(run?.cursor).toBe(firstPages.at(-1));
    expect(run?.counts).toMatchObject({ profiles: 3 * PAGE_SIZE, global: 3 * PAGE_SIZE });
    const stored = (await t.deps.db.select().from(profileRecommendations)).map((row) => row.profileId).sort();
    expect(stored).toEqual(firstPages);
  });
});
