/**
 * Identical comparison vectors collapsed into patterns with counts. Blocked pairs repeat a few
 * thousand patterns at most, so EM iterates over patterns instead of pairs: training time stops
 * depending on the number of pairs after one pass.
 */
export interface PatternCounts {
  /** Row-major pattern × field levels. */
  patterns: Uint8Array;
  counts: Float64Array;
  size: number;
  /** Pattern index of each input row. */
  rowPattern: Int32Array;
}

export function countPatterns(
  vectors: Uint8Array,
  width: number,
  rows = vectors.length / width,
): PatternCounts {
  const index = new Map<string, number>();
  const rowPattern = new Int32Array(rows);
  const firstRow: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = vectors.subarray(r * width, r * width + width);
    const key = String.fromCharCode(...row);
    let p = index.get(key);
    if (p === undefined) {
      p = counts.length;
      index.set(key, p);
      firstRow.push(r);
      counts.push(0);
    }
    counts[p]!++;
    rowPattern[r] = p;
  }
  const patterns = new Uint8Array(counts.length * width);
  firstRow.forEach((r, p) => {
    patterns.set(vectors.subarray(r * width, r * width + width), p * width);
  });
  return { patterns, counts: Float64Array.from(counts), size: counts.length, rowPattern };
}
