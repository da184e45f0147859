/**
 * Edit distances with an optional ceiling. Linkage only asks "is the distance ≤ k" for small k,
 * so both functions stop as soon as every cell of a row exceeds the ceiling, and skip the work
 * entirely when the lengths alone differ by more than it. Rows are module-level typed arrays,
 * grown on demand and reused (single-threaded, non-reentrant), so a call allocates nothing.
 */

let rowPrev = new Int32Array(64);
let rowCurr = new Int32Array(64);
let rowPrev2 = new Int32Array(64);

function ensureRows(length: number): void {
  if (rowPrev.length >= length) return;
  let size = rowPrev.length;
  while (size < length) size *= 2;
  rowPrev = new Int32Array(size);
  rowCurr = new Int32Array(size);
  rowPrev2 = new Int32Array(size);
}

/**
 * Levenshtein distance (insertions, deletions, substitutions). With `maxDistance`, any result
 * above it is reported as `maxDistance + 1`: callers compare against the ceiling only.
 */
export function levenshtein(a: string, b: string, maxDistance = Number.POSITIVE_INFINITY): number {
  return editDistance(a, b, maxDistance, false);
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein restricted to transpositions of adjacent
 * characters that are not edited again): "1980" vs "1908" is 1, the usual keying error in dates
 * and id numbers. Same ceiling semantics as `levenshtein`.
 */
export function damerauLevenshtein(a: string, b: string, maxDistance = Number.POSITIVE_INFINITY): number {
  return editDistance(a, b, maxDistance, true);
}

function editDistance(a: string, b: string, maxDistance: number, transpositions: boolean): number {
  if (a === b) return 0;
  // Keep `b` the shorter so rows are as short as possible.
  if (a.length < b.length) {
    const swap = a;
    a = b;
    b = swap;
  }
  const lenA = a.length;
  const lenB = b.length;
  const cap = maxDistance + 1;
  if (lenA - lenB > maxDistance) return cap;
  if (lenB === 0) return Math.min(lenA, cap);

  ensureRows(lenB + 1);
  let prev2 = rowPrev2;
  let prev = rowPrev;
  let curr = rowCurr;
  for (let j = 0; j <= lenB; j++) prev[j] = j;

  for (let i = 1; i <= lenA; i++) {
    const codeA = a.charCodeAt(i - 1);
    curr[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lenB; j++) {
      const codeB = b.charCodeAt(j - 1);
      const cost = codeA === codeB ? 0 : 1;
      let value = prev[j - 1]! + cost;
      const deletion = prev[j]! + 1;
      if (deletion < value) value = deletion;
      const insertion = curr[j - 1]! + 1;
      if (insertion < value) value = insertion;
      if (
        transpositions &&
        i > 1 &&
        j > 1 &&
        codeA === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === codeB &&
        prev2[j - 2]! + 1 < value
      ) {
        value = prev2[j - 2]! + 1;
      }
      curr[j] = value;
      if (value < rowMin) rowMin = value;
    }
    // Every path to the last cell passes through this row, so its minimum bounds the result.
    if (rowMin > maxDistance) return cap;
    const recycled = prev2;
    prev2 = prev;
    prev = curr;
    curr = recycled;
  }
  const distance = prev[lenB]!;
  return distance > maxDistance ? cap : distance;
}
