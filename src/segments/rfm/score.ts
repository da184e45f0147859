/**
 * From a value and its dimension's breaks to a score. Two independent choices meet here:
 * the dimension's direction (a low recency is good, a high frequency or monetary value is good)
 * and the orientation of the scale (our product says 5 is best; some published tables say 1 is).
 */

export type Direction = 'lower-is-better' | 'higher-is-better';
export type Orientation = 'max-is-best' | 'one-is-best';

/**
 * 1-based bin counted from the smallest values. A value equal to a break falls in the bin below
 * it (`value ≤ break`), as in the reference implementation of the published RFM table; with `<`,
 * every customer tied on a break (common for order counts) would move up one bin.
 */
export function ascendingBin(value: number, breaks: readonly number[]): number {
  let bin = 1;
  for (const limit of breaks) {
    if (value <= limit) break;
    bin++;
  }
  return bin;
}

export function scoreValue(
  value: number,
  breaks: readonly number[],
  direction: Direction,
  orientation: Orientation,
): number {
  const bins = breaks.length + 1;
  const bin = ascendingBin(value, breaks);
  // `goodness` is `bins` for the best bin whatever the dimension.
  const goodness = direction === 'higher-is-better' ? bin : bins + 1 - bin;
  return orientation === 'max-is-best' ? goodness : bins + 1 - goodness;
}
