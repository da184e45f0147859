/**
 * Rows × columns of numbers in one row-major Float64Array: k-means and silhouettes walk every row
 * many times, and a flat typed array keeps that walk in cache and free of per-row objects.
 */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export function matrixFromRows(rows: ReadonlyArray<ArrayLike<number>>, cols?: number): FeatureMatrix {
  const width = cols ?? rows[0]?.length ?? 0;
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new RangeError(`row ${r} has ${row.length} values, expected ${width}`);
    for (let c = 0; c < width; c++) values[r * width + c] = row[c]!;
  });
  return { rows: rows.length, cols: width, values };
}

/** Squared Euclidean distance between row `a` of `x` and row `b` of `y` (both `d` wide). */
export function squaredDistance(x: Float64Array, a: number, y: Float64Array, b: number, d: number): number {
  let sum = 0;
  const ao = a * d;
  const bo = b * d;
  for (let c = 0; c < d; c++) {
    const diff = x[ao + c]! - y[bo + c]!;
    sum += diff * diff;
  }
  return sum;
}
