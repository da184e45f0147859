const DAY_MS = 86_400_000;

/**
 * Whole days from the last order to the analysis date, like pandas' `(now − last).days` in the
 * reference: partial days are dropped. An order stamped after the analysis date (clock skew
 * between the order system and the scheduler) counts as 0 days rather than failing the run.
 */
export function daysSince(lastOrderAt: Date, analysisDate: Date): number {
  return Math.max(0, Math.floor((analysisDate.getTime() - lastOrderAt.getTime()) / DAY_MS));
}
