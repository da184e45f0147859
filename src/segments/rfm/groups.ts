/**
 * Named RFM groups: the widely used 11-segment map on the recency score R and the combined
 * frequency-monetary score FM (Putler's "RFM segments" table; the same names as the common regex
 * map), on scores 1..5 with 5 best. Putler gives each segment a range of R and FM, and the ranges
 * overlap (Loyal's R 2–5 × FM 3–5 contains Champions' R 4–5 × FM 4–5), so the map below assigns
 * every one of the 25 cells exactly one segment whose published ranges contain it:
 *
 * ```
 * FM \ R  1                2             3                4                   5
 *   5     Can't lose them  At risk       Loyal            Champions           Champions
 *   4     Can't lose them  At risk       Loyal            Champions           Champions
 *   3     At risk          At risk       Need attention   Loyal               Loyal
 *   2     Hibernating      Hibernating   About to sleep   Potential loyalist  Potential loyalist
 *   1     Lost             Lost          About to sleep   Promising           New
 * ```
 *
 * FM is the mean of F and M rounded half up, so (F 2, M 3) counts as FM 3.
 */

export const RFM_GROUPS = [
  'Champions',
  'Loyal',
  'Potential loyalist',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  'At risk',
  "Can't lose them",
  'Hibernating',
  'Lost',
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Rows FM = 5 down to 1, columns R = 1 up to 5: the table above, as written there. */
const GRID: ReadonlyArray<readonly [RfmGroup, RfmGroup, RfmGroup, RfmGroup, RfmGroup]> = [
  ["Can't lose them", 'At risk', 'Loyal', 'Champions', 'Champions'],
  ["Can't lose them", 'At risk', 'Loyal', 'Champions', 'Champions'],
  ['At risk', 'At risk', 'Need attention', 'Loyal', 'Loyal'],
  ['Hibernating', 'Hibernating', 'About to sleep', 'Potential loyalist', 'Potential loyalist'],
  ['Lost', 'Lost', 'About to sleep', 'Promising', 'New'],
];

export function frequencyMonetaryScore(f: number, m: number): number {
  return Math.floor((f + m + 1) / 2);
}

/** The group of quintile scores r, f, m in 1..5 where 5 is best. */
export function rfmGroup(r: number, f: number, m: number): RfmGroup {
  for (const score of [r, f, m]) {
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      throw new RangeError(`RFM groups need scores 1..5 (5 best), got ${score}`);
    }
  }
  const fm = frequencyMonetaryScore(f, m);
  return GRID[5 - fm]![r - 1]!;
}
