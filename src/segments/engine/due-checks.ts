import type { AppDeps } from '../../app-deps.js';
import { rawSelect } from '../../db/raw-select.js';
import { refreshSegments, SEGMENT_PAGE_SIZE } from './refresh.js';

/**
 * Time-based exits and entries on time: re-evaluates the profiles whose next possible change has
 * come (a window slid past their last event, a birthday began). Called every minute by the
 * scheduler; stops at `deadline` and leaves the rest for the next tick.
 */
export async function refreshDueSegments(
  deps: AppDeps,
  options: { deadline?: number } = {},
): Promise<number> {
  let refreshed = 0;
  for (;;) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) return refreshed;
    const due = await rawSelect<{ profileId: string }>(
      deps.db,
      `select profile_id as profileId from segment_checks where due_at <= ? order by due_at limit ${SEGMENT_PAGE_SIZE}`,
      [deps.now().getTime()],
    );
    if (due.length === 0) return refreshed;
    await refreshSegments(
      deps,
      due.map((row) => row.profileId),
    );
    refreshed += due.length;
    // Each refreshed profile's check moved to its next change (or went): the loop cannot spin.
    if (due.length < SEGMENT_PAGE_SIZE) return refreshed;
  }
}
