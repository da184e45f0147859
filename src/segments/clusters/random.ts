/**
 * Seeded randomness for k-means++ seeding and silhouette sampling, so the same data, options and
 * seed always give the same segments (reproducible retrains, stable tests).
 */

export { seededRandom } from '../../lib/random.js';

/**
 * A seed for one sub-task (a k, a restart) from the run's seed, so each gets its own stream and
 * changing the k range does not change what a given k finds.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** `count` distinct indices of 0..n−1 (partial Fisher–Yates), in the order drawn. */
export function sampleIndices(n: number, count: number, random: () => number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const take = Math.min(count, n);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  return pool.slice(0, take);
}
