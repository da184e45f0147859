/**
 * Quantiles with linear interpolation between order statistics: numpy's default `'linear'` method
 * (Hyndman & Fan type 7), which pandas `Series.quantile` also uses. The published RFM tables this
 * module reproduces were computed that way, so any other definition would move customers that sit
 * near a break into the neighbouring bin.
 */

/** The p-quantile (0 ≤ p ≤ 1) of values already sorted ascending. */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty list');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability out of [0, 1]: ${p}`);
  const position = (n - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const low = sorted[lower]!;
  return low + (position - lower) * (sorted[upper]! - low);
}

/**
 * The `bins − 1` inner breaks that cut values into `bins` equal-probability bins: the 25/50/75th
 * percentiles for quartiles, 20/40/60/80th for quintiles.
 */
export function quantileBreaks(values: ArrayLike<number>, bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const breaks: number[] = [];
  for (let i = 1; i < bins; i++) breaks.push(quantileOfSorted(sorted, i / bins));
  return breaks;
}
