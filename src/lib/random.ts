/**
 * Seeded randomness for everything that samples (EM training pairs, k-means++ seeding, silhouette
 * samples, cross-validation folds, synthetic benchmark data): the same data, settings and seed
 * always give the same result, so models retrain reproducibly and tests are stable.
 */

/** Mulberry32: tiny, fast and good enough for sampling (never for anything secret). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
