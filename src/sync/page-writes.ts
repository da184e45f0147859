import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import type { RecordResult } from '../connector-kit/types.js';
import type { Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { chunked } from '../db/chunk.js';
import { syncFailures, syncFingerprints, syncRuns } from '../db/schema/index.js';
import type { Delivered } from './load-page.js';

export type RunCounts = (typeof syncRuns.$inferSelect)['counts'];

/**
 * One page's commit, run atomically after the destination answered: fingerprints and filled-field
 * markers of what was delivered, failures kept for the next run, the run's counts and checkpoint.
 * Updates `counts` with the page's outcomes.
 */
export function pageWrites(
  deps: AppDeps,
  syncId: string,
  runId: string,
  results: RecordResult[],
  next: Map<string, Delivered>,
  counts: RunCounts,
  checkpoint: string | null,
): Statement[] {
  const now = deps.now();
  const delivered = results.filter((result) => result.status === 'ok');
  const failed = results.filter(
    (result): result is Extract<RecordResult, { status: 'failed' }> => result.status === 'failed',
  );
  counts.ok += delivered.length;
  counts.failed += failed.length;
  counts.skipped += results.filter((result) => result.status === 'skipped').length;
  return [
    ...bulkInsert(
      syncFingerprints,
      delivered.map((result) => {
        const sent = next.get(result.profileId)!;
        return {
          syncId,
          profileId: result.profileId,
          fingerprint: sent.fingerprint,
          filledFields: sent.filled,
          syncedAt: now,
        };
      }),
      deps.sqlParamLimit,
      'on conflict (sync_id, profile_id) do update set fingerprint = excluded.fingerprint, ' +
        'filled_fields = excluded.filled_fields, synced_at = excluded.synced_at',
    ),
    ...chunked(
      delivered.map((result) => result.profileId),
      deps.sqlParamLimit,
      1,
      1,
    ).map((chunk) =>
      deps.db
        .delete(syncFailures)
        .where(and(eq(syncFailures.syncId, syncId), inArray(syncFailures.profileId, chunk))),
    ),
    ...bulkInsert(
      syncFailures,
      failed.map((result) => ({
        syncId,
        profileId: result.profileId,
        runId,
        error: { ...result.error },
        attempts: 1,
        failedAt: now,
      })),
      deps.sqlParamLimit,
      'on conflict (sync_id, profile_id) do update set run_id = excluded.run_id, error_json = excluded.error_json, ' +
        'attempts = sync_failures.attempts + 1, failed_at = excluded.failed_at',
    ),
    deps.db.update(syncRuns).set({ counts, checkpoint, heartbeatAt: now }).where(eq(syncRuns.id, runId)),
  ];
}
