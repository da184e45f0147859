/**
 * Jaro and Jaro-Winkler similarity (Winkler 1990), the string comparator of the Census record
 * linkage work and of most Fellegi-Sunter linkers, so thresholds such as 0.92 mean the same here
 * as in the literature.
 *
 * Hot path: it runs for every candidate pair and field, so it works on char codes and reuses two
 * module-level flag buffers instead of allocating per call (safe: JavaScript is single-threaded
 * and the function does not re-enter itself).
 */

let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

function ensureCapacity(length: number): void {
  if (matchedA.length >= length) return;
  let size = matchedA.length;
  while (size < length) size *= 2;
  matchedA = new Uint8Array(size);
  matchedB = new Uint8Array(size);
}

/** Jaro similarity in [0, 1]; 1 for two empty strings (identical), 0 when only one is empty. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const lenA = a.length;
  const lenB = b.length;
  if (lenA === 0 || lenB === 0) return 0;
  ensureCapacity(Math.max(lenA, lenB));
  matchedA.fill(0, 0, lenA);
  matchedB.fill(0, 0, lenB);

  const window = Math.max(0, (Math.max(lenA, lenB) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < lenA; i++) {
    const code = a.charCodeAt(i);
    const from = i > window ? i - window : 0;
    const to = Math.min(i + window + 1, lenB);
    for (let j = from; j < to; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === code) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;

  // Transpositions: matched characters taken in order from both strings that differ, halved.
  let halfTranspositions = 0;
  let j = 0;
  for (let i = 0; i < lenA; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) halfTranspositions++;
    j++;
  }
  const m = matches;
  return (m / lenA + m / lenB + (m - halfTranspositions / 2) / m) / 3;
}

/**
 * Jaro-Winkler: Jaro boosted by the length of the common prefix (up to `maxPrefix`), because
 * typing errors are rarer at the start of a name. The boost applies whatever the Jaro score
 * (Winkler's 0.7 boost threshold is not used, matching the published examples and most libraries).
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1, maxPrefix = 4): number {
  const j = jaro(a, b);
  if (j === 0 || j === 1) return j;
  const limit = Math.min(maxPrefix, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * prefixScale * (1 - j);
}
