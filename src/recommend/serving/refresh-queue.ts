import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { bulkInsert, type RawStatement } from '../../db/bulk.js';
import { chunked } from '../../db/chunk.js';
import type { Db } from '../../db/client.js';
import { rawSelect } from '../../db/raw-select.js';
import { recommendationRefreshQueue } from '../../db/schema/index.js';
import { errorFields } from '../../lib/logger.js';
import { rescoreProfiles } from './refresh.js';

/**
 * Personal lists follow product views, cart adds and orders, but not inside ingest: rescoring costs
 * 0.3–0.6 ms a profile, which inline cut a 100-event batch stream from 3,500 to 1,400 events/s
 * once a fit existed. Ingest queues the profiles in its own transaction (durable, one row per
 * profile however many events); a drain rescores them shortly after (Node, after
 * ESP_HUB_RECS_REFRESH_DELAY_MS) and every minute (the `recommendationsRefresh` job, Workers
 * included), so a browsing session's views cost one rescore.
 */

/** Profiles rescored per step: ~50 ms of work, so sends and ingest get the thread in between. */
const DRAIN_PAGE = 100;

// Wall-clock and strictly increasing in this process: a drain takes rows off only at the time it
// read, so a profile queued again meanwhile (even by a test with a frozen clock) must differ.
let lastQueuedAt = 0;

/** The queue rows for these profiles, for the caller's transaction; a re-queued profile takes the newer time. */
export function queueRefreshWrites(deps: AppDeps, profileIds: readonly string[]): RawStatement[] {
  if (profileIds.length === 0) return [];
  lastQueuedAt = Math.max(Date.now(), lastQueuedAt + 1);
  const queuedAt = lastQueuedAt;
  return bulkInsert(
    recommendationRefreshQueue,
    profileIds.map((profileId) => ({ profileId, queuedAt })),
    deps.sqlParamLimit,
    'on conflict (profile_id) do update set queued_at = excluded.queued_at',
  );
}

export interface DrainResult {
  profiles: number;
  /** Profiles still queued: the deadline came, or a rescore failed (the next drain retries). */
  remaining: boolean;
  failed: boolean;
}

const draining = new WeakSet<Db>();

/**
 * Rescores the queued profiles, oldest first, until the queue is empty or the deadline passes. One
 * drain at a time per database in this process (a second call returns at once). Never throws: a
 * failure is logged and its profiles stay queued; the nightly full run repairs anything missed.
 */
export async function drainRefreshQueue(
  deps: AppDeps,
  options: { deadline?: number } = {},
): Promise<DrainResult> {
  const result: DrainResult = { profiles: 0, remaining: false, failed: false };
  if (draining.has(deps.db)) return { ...result, remaining: true };
  draining.add(deps.db);
  try {
    for (;;) {
      if (options.deadline !== undefined && Date.now() >= options.deadline)
        return { ...result, remaining: true };
      const page = await rawSelect<{ profileId: string; queuedAt: number }>(
        deps.db,
        'select profile_id as profileId, queued_at as queuedAt from recommendation_refresh_queue order by queued_at limit ?',
        [DRAIN_PAGE],
      );
      if (page.length === 0) return result;
      result.profiles += (
        await rescoreProfiles(
          deps,
          page.map((row) => row.profileId),
        )
      ).profiles;
      await atomic(deps.db, dequeueWrites(deps, page));
      // Let requests in between pages (a timer turn, on Node and Workers alike).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    deps.logger.error(
      'recommendation refresh failed; the profiles stay queued for the next drain',
      errorFields(error),
    );
    return { ...result, remaining: true, failed: true };
  } finally {
    draining.delete(deps.db);
  }
}

/** Takes the rows off as they were read: one re-queued meanwhile (a newer time) stays queued. */
function dequeueWrites(deps: AppDeps, rows: ReadonlyArray<{ profileId: string; queuedAt: number }>) {
  return chunked(rows, deps.sqlParamLimit, 2).map(
    (chunk): RawStatement => ({
      kind: 'raw',
      sql: `delete from recommendation_refresh_queue where (profile_id, queued_at) in (values ${chunk.map(() => '(?, ?)').join(', ')})`,
      args: chunk.flatMap((row) => [row.profileId, row.queuedAt]),
    }),
  );
}

const pendingDrains = new WeakSet<Db>();

/**
 * Node: drains the queue `ESP_HUB_RECS_REFRESH_DELAY_MS` after ingest queued something (one timer
 * at a time, so the views of that interval share one rescore). Without the setting (Workers, tests)
 * the minute job drains.
 */
export function scheduleRefreshDrain(deps: AppDeps): void {
  const delayMs = deps.settings.recommendationRefreshDelayMs;
  if (delayMs === undefined || pendingDrains.has(deps.db)) return;
  pendingDrains.add(deps.db);
  setTimeout(() => {
    pendingDrains.delete(deps.db);
    // It never throws: failures are logged there and leave the profiles queued.
    void drainRefreshQueue(deps);
  }, delayMs).unref();
}
