import type { RunGuard } from '../db/schema/index.js';
import type { BlastGuardSettings } from './definition.js';

/**
 * The blast guard's arithmetic, pure. A pre-pass over the run's pages fills a tally (fields that
 * would go from a value to blank, list members that would leave), then `assessBlast` compares it
 * with the sync's thresholds. List removals are counted the same way as blanked fields: whoever
 * computes a list's changes calls `noteListChange` with its current size and the removals.
 */
export type BlastTally = Pick<RunGuard, 'contacts' | 'blanked' | 'lists'>;
export type BlastTrip = NonNullable<RunGuard['tripped']>[number];

export function emptyTally(contacts: number): BlastTally {
  return { contacts, blanked: {}, lists: {} };
}

export function noteBlanked(tally: BlastTally, fields: readonly string[]): void {
  for (const field of fields) tally.blanked[field] = (tally.blanked[field] ?? 0) + 1;
}

/** `members`: the list's size at the destination before the run; `removed`: how many would leave. */
export function noteListChange(
  tally: BlastTally,
  list: string,
  change: { members: number; removed: number },
): void {
  const current = tally.lists[list] ?? { members: 0, removed: 0 };
  tally.lists[list] = {
    members: Math.max(current.members, change.members),
    removed: current.removed + change.removed,
  };
}

/** Could this sync trip at all? Not when even blanking every contact stays under the minimum. */
export function guardCanTrip(settings: BlastGuardSettings, contacts: number): boolean {
  return settings.enabled && contacts >= settings.minCount;
}

/** The counts over their thresholds: more than the share of the whole, and at least `minCount`. */
export function assessBlast(tally: BlastTally, settings: BlastGuardSettings): BlastTrip[] {
  if (!settings.enabled) return [];
  const trips: BlastTrip[] = [];
  const check = (kind: BlastTrip['kind'], name: string, count: number, of: number, maxShare: number) => {
    if (of <= 0 || count < settings.minCount) return;
    const share = count / of;
    if (share > maxShare) {
      trips.push({ kind, name, count, of, share: Math.round(share * 10_000) / 10_000, maxShare });
    }
  };
  for (const [field, count] of Object.entries(tally.blanked))
    check('blanked_field', field, count, tally.contacts, settings.maxBlankedShare);
  for (const [list, { members, removed }] of Object.entries(tally.lists))
    check('removed_from_list', list, removed, members, settings.maxRemovedShare);
  return trips;
}
