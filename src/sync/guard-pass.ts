import { count, eq } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { type RunGuard, syncFingerprints, syncRuns } from '../db/schema/index.js';
import type { MarkerLayout } from './blank-marker.js';
import { assessBlast, guardCanTrip, noteListChange } from './blast-guard.js';
import type { SyncDefinition } from './definition.js';
import { evaluatePage } from './evaluate-page.js';
import { pendingRemovalCounts } from './list-pass.js';
import { loadProfilePage, pageScopeOf } from './load-page.js';
import type { RunRow } from './run-state.js';

/** Contacts this sync has delivered to its destination: the denominator of the blank shares. */
export async function deliveredContacts(deps: AppDeps, syncId: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: count() })
    .from(syncFingerprints)
    .where(eq(syncFingerprints.syncId, syncId));
  return row?.n ?? 0;
}

/** Whether a real run still has to pass the guard before it writes. */
export function guardPending(run: RunRow, definition: SyncDefinition): boolean {
  if (run.dryRun || !definition.blastGuard.enabled) return false;
  if (run.guard) return run.guard.phase === 'checking';
  // A run that has written a page is past the guard (it was cleared, or it predates it).
  return run.checkpoint === null;
}

export type GuardOutcome =
  | { status: 'cleared'; guard: RunGuard; pages: number }
  | { status: 'paused'; guard: RunGuard; pages: number }
  | { status: 'tripped'; guard: RunGuard; pages: number };

/**
 * The guard's pre-pass: reads the run's pages exactly as the write pass will, writing nothing to
 * the destination, and counts the fields that would go from a value to blank. Its progress is
 * saved per page (like the run's checkpoint), so on Workers it spreads over ticks too; `shouldStop`
 * is asked after each page. Skipped when the sync has too few contacts for any count to reach the
 * guard's minimum.
 */
export async function runGuardPass(
  deps: AppDeps,
  run: RunRow,
  definition: SyncDefinition,
  layout: MarkerLayout,
  shouldStop: (pagesDone: number) => boolean,
): Promise<GuardOutcome> {
  const settings = definition.blastGuard;
  let guard: RunGuard = run.guard ?? {
    phase: 'checking',
    checkpoint: null,
    contacts: await deliveredContacts(deps, run.syncId),
    blanked: {},
    lists: {},
  };
  const save = (next: RunGuard, extra: Partial<typeof syncRuns.$inferInsert> = {}) =>
    deps.db
      .update(syncRuns)
      .set({ guard: next, heartbeatAt: deps.now(), ...extra })
      .where(eq(syncRuns.id, run.id));

  // List removals (mirror mode) are counted in SQL before any page is read.
  if (!run.guard)
    for (const change of await pendingRemovalCounts(deps, run.syncId, definition))
      noteListChange(guard, change.list, change);
  const listCanTrip = Object.values(guard.lists).some((list) => list.removed >= settings.minCount);
  if (!guardCanTrip(settings, guard.contacts) && !listCanTrip) {
    guard = { ...guard, phase: 'cleared' };
    await save(guard);
    return { status: 'cleared', guard, pages: 0 };
  }
  const scope = pageScopeOf(definition);
  let pages = 0;
  for (;;) {
    const page = await loadProfilePage(deps, run.syncId, guard.checkpoint, definition.pageSize, scope);
    if (page.views.length === 0) break;
    const evaluation = evaluatePage(page, definition, layout, guard);
    const seen = guard.seen ?? { scanned: 0, unchanged: 0, skipped: 0, changed: 0 };
    guard.seen = {
      scanned: seen.scanned + evaluation.scanned,
      unchanged: seen.unchanged + evaluation.unchanged,
      skipped: seen.skipped + evaluation.skipped,
      changed: seen.changed + evaluation.changed.length,
    };
    guard.checkpoint = page.lastId;
    pages++;
    await save(guard);
    if (shouldStop(pages)) return { status: 'paused', guard, pages };
  }
  const tripped = assessBlast(guard, settings);
  if (tripped.length > 0) {
    guard = { ...guard, phase: 'tripped', tripped };
    await save(guard, { status: 'awaiting_confirmation' });
    deps.logger.warn('sync run stopped by the blast guard; confirm or cancel it', {
      syncId: run.syncId,
      runId: run.id,
      tripped,
    });
    return { status: 'tripped', guard, pages };
  }
  guard = { ...guard, phase: 'cleared' };
  await save(guard);
  return { status: 'cleared', guard, pages };
}
