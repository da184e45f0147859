import { eq } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { recommendationRuns } from '../../db/schema/recommendations.js';
import { nextProfilePage } from './profile-context.js';
import { loadPage, type ScoredPage } from './score-page.js';
import type { PageScorer } from './scoring-model.js';
import type { ServingSettings } from './settings.js';
import { profileRowWrites } from './store.js';

type RunCounts = (typeof recommendationRuns.$inferSelect)['counts'];

/**
 * Reads, scores and writes pages of live profiles after `cursor`, in id order, until none are left
 * (done) or `pastDeadline`. Up to `ahead` pages are read while earlier ones are scored; each is written
 * with the run's cursor and counts in one transaction, in order, so a resumed run starts after the
 * last page written and no profile is skipped.
 */
export async function scorePages(
  deps: AppDeps,
  runId: string,
  startCursor: string,
  counts: RunCounts,
  settings: ServingSettings,
  { ahead, pageSize }: { ahead: number; pageSize: number },
  pastDeadline: () => boolean,
  scorer: PageScorer,
): Promise<{ cursor: string; done: boolean }> {
  const inFlight: Array<{ cursor: string; scored: Promise<ScoredPage> }> = [];
  let readCursor = startCursor;
  let writtenCursor = startCursor;
  let exhausted = false;

  const writeOldest = async () => {
    const { cursor, scored } = inFlight.shift()!;
    const { rows, levels } = await scored;
    counts.profiles += rows.length;
    counts.personal += levels.personal;
    counts.segment += levels.segment;
    counts.global += levels.global;
    await atomic(deps.db, [
      ...profileRowWrites(deps, rows),
      deps.db.update(recommendationRuns).set({ cursor, counts }).where(eq(recommendationRuns.id, runId)),
    ]);
    writtenCursor = cursor;
  };

  // A failure (reading, a scorer, writing) propagates: pages scored but not written are scored
  // again by the next call, which starts after the last page written.
  while (!exhausted && !pastDeadline()) {
    const ids = await nextProfilePage(deps, readCursor, pageSize);
    if (ids.length === 0) {
      exhausted = true;
      break;
    }
    readCursor = ids[ids.length - 1]!;
    const now = deps.now().getTime();
    const page = await loadPage(deps, ids, { from: ids[0]!, to: readCursor }, settings, now);
    const scored = scorer.score(page);
    // Awaited in order below; a failure meanwhile must not count as unhandled.
    scored.catch(() => {});
    inFlight.push({ cursor: readCursor, scored });
    if (inFlight.length >= ahead) await writeOldest();
  }
  while (inFlight.length > 0) await writeOldest();
  return { cursor: writtenCursor, done: exhausted };
}
