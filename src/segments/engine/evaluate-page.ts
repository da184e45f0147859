import type { ProfileSnapshot } from '../rules/index.js';
import type { ActiveSegment } from './active-segments.js';

export interface ProfileResult {
  snapshot: ProfileSnapshot;
  /** Ids of the segments the profile is in now. */
  members: Set<string>;
  /** Earliest moment any segment's result may change with time alone; null when none can. */
  dueAt: number | null;
}

/**
 * Every active segment for every snapshot, in dependency order: a segment's result is in the
 * snapshot's `segments` set before a segment that refers to it is evaluated.
 */
export function evaluateSnapshots(
  segments: readonly ActiveSegment[],
  snapshots: readonly ProfileSnapshot[],
  now: number,
): ProfileResult[] {
  return snapshots.map((snapshot) => {
    // The loader gives each snapshot a fresh Set; the evaluator fills it as it goes.
    const members = snapshot.segments as Set<string>;
    members.clear();
    let dueAt: number | null = null;
    for (const segment of segments) {
      if (segment.compiled.matches(snapshot, now)) members.add(segment.id);
      if (!segment.compiled.timeDependent) continue;
      const next = segment.compiled.nextChangeAt(snapshot, now);
      // Only future moments: one at or before now is already reflected in this result.
      if (next !== null && next > now && (dueAt === null || next < dueAt)) dueAt = next;
    }
    return { snapshot, members, dueAt };
  });
}
