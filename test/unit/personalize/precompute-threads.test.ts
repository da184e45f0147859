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

  it('keeps the cursor at the last page written when a thread fails, and the next call finishes', async () => {
    const threads = failingThreads(4);
    t.deps.scoringThreads = threads;
    await startRecommendationRun(t.deps);
    await expect(continueRecommendationRun(t.deps, { pageSize: PAGE_SIZE })).rejects.toThrow('thread lost');

    const [run] = await t.deps.db.select().from(recommendationRuns);
    // Pages 1–3 were written in order; page 4 failed and nothing after it was stored.
    expect(run?.counts.profiles).toBe(3 * PAGE_SIZE);
    expect(run?.finishedAt).toBeNull();
    expect(await t.deps.db.select().from(profileRecommendations)).toHaveLength(3 * PAGE_SIZE);
    // The threads were closed: scoring on them again is refused.
    await expect(threads.opened[0]!.score({} as never)).rejects.toThrow();

    // Resumed from the stored lists on the main thread (this call did not fit).
    const resumed = await continueRecommendationRun(t.deps, { pageSize: PAGE_SIZE });
    expect(resumed).toMatchObject({ done: true, counts: { profiles: 62 } });
    expect(await t.deps.db.select().from(profileRecommendations)).toHaveLength(62);
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
});
