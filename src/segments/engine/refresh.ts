import type { AppDeps } from '../../app-deps.js';
import { chunked } from '../../db/chunk.js';
import { loadSettings } from '../../services/settings.js';
import { activeSegments } from './active-segments.js';
import { evaluateSnapshots } from './evaluate-page.js';
import { loadSnapshots } from './load-snapshots.js';
import { type MembershipChange, storePage } from './store-page.js';

/** Profiles per evaluation page: bounded memory, and one write transaction per page. */
export const SEGMENT_PAGE_SIZE = 5_000;

/**
 * Re-evaluates every active segment for these profiles now and stores what changed: called after
 * ingest for the profiles a batch touched, and by the scheduler for profiles whose time-based
 * check fell due. Profiles merged away or erased leave their segments.
 */
export async function refreshSegments(
  deps: AppDeps,
  profileIds: readonly string[],
): Promise<MembershipChange[]> {
  if (profileIds.length === 0) return [];
  const active = await activeSegments(deps);
  if (active.list.length === 0) return [];
  const { engagement } = await loadSettings(deps);
  const changes: MembershipChange[] = [];
  for (const page of chunked([...new Set(profileIds)], SEGMENT_PAGE_SIZE)) {
    const now = deps.now().getTime();
    const snapshots = await loadSnapshots(deps, page, active.requirements, now, engagement);
    const results = evaluateSnapshots(active.list, snapshots, now);
    changes.push(...(await storePage(deps, page, results, active.list, now)));
  }
  return changes;
}
