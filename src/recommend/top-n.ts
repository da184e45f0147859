import type { ScoredItem } from './types.js';

/**
 * The n highest scores of a dense score array, best first, skipping masked entries and scores not
 * above `floor`. A bounded min-heap: O(items · log n), no full sort of the catalogue per user.
 * Ties go to the lower index, so answers are reproducible.
 */
export function topN(
  scores: ArrayLike<number>,
  n: number,
  options: { skip?: Uint8Array; floor?: number } = {},
): { index: number; score: number }[] {
  const floor = options.floor ?? Number.NEGATIVE_INFINITY;
  const skip = options.skip;
  const size = Math.max(0, Math.floor(n));
  if (size === 0) return [];
  const heapIndex = new Int32Array(size);
  const heapScore = new Float64Array(size);
  let count = 0;
  // "a ranks below b": lower score, or equal score and higher index.
  const below = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (from: number) => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) return;
      const right = left + 1;
      let lowest = left;
      if (right < count && below(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!)) {
        lowest = right;
      }
      if (!below(heapScore[lowest]!, heapIndex[lowest]!, heapScore[at]!, heapIndex[at]!)) return;
      swap(at, lowest);
      at = lowest;
    }
  };
  const swap = (a: number, b: number) => {
    const s = heapScore[a]!;
    const i = heapIndex[a]!;
    heapScore[a] = heapScore[b]!;
    heapIndex[a] = heapIndex[b]!;
    heapScore[b] = s;
    heapIndex[b] = i;
  };
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (!(score > floor) || skip?.[index]) continue;
    if (count < size) {
      let at = count++;
      heapScore[at] = score;
      heapIndex[at] = index;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(heapScore[at]!, heapIndex[at]!, heapScore[parent]!, heapIndex[parent]!)) break;
        swap(at, parent);
        at = parent;
      }
    } else if (below(heapScore[0]!, heapIndex[0]!, score, index)) {
      heapScore[0] = score;
      heapIndex[0] = index;
      siftDown(0);
    }
  }
  const out: { index: number; score: number }[] = [];
  for (let k = 0; k < count; k++) out.push({ index: heapIndex[k]!, score: heapScore[k]! });
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}

/** `topN` with indices turned into item ids. */
export function topItems(
  scores: ArrayLike<number>,
  n: number,
  itemIds: readonly string[],
  options: { skip?: Uint8Array; floor?: number } = {},
): ScoredItem[] {
  return topN(scores, n, options).map(({ index, score }) => ({ itemId: itemIds[index]!, score }));
}
