/**
 * u probabilities: how often each level occurs among non-matching pairs. Random pairs are almost
 * all non-matches, so their level frequencies estimate u without labels (Splink's
 * estimate_u_using_random_sampling); `weights` lets a second pass discount the few random pairs
 * the trained model recognises as matches.
 */

/** Counts of each level per field over the rows, each row counted with its weight (default 1). */
export function levelCounts(
  vectors: Uint8Array,
  width: number,
  levelSizes: readonly number[],
  weights?: Float64Array,
): Float64Array[] {
  const counts = levelSizes.map((size) => new Float64Array(size + 1));
  const rows = vectors.length / width;
  for (let r = 0; r < rows; r++) {
    const w = weights ? weights[r]! : 1;
    const base = r * width;
    for (let f = 0; f < width; f++) counts[f]![vectors[base + f]!]! += w;
  }
  return counts;
}

/**
 * Probabilities over the non-null levels (index 0 ignored). The pseudo-count keeps a level never
 * seen among the sampled pairs at a small positive u rather than 0 (an infinite weight).
 */
export function levelProbabilities(counts: readonly Float64Array[], pseudoCount: number): Float64Array[] {
  return counts.map((levels) => {
    const out = new Float64Array(levels.length);
    let total = 0;
    for (let l = 1; l < levels.length; l++) total += levels[l]!;
    const denominator = total + pseudoCount * (levels.length - 1);
    for (let l = 1; l < levels.length; l++) {
      out[l] = denominator > 0 ? (levels[l]! + pseudoCount) / denominator : 1 / (levels.length - 1);
    }
    return out;
  });
}
