import { seededRandom } from '../../lib/random.js';
import { PairBuffer } from './pair-buffer.js';
import type { PreparedRecords } from './prepare.js';

export { seededRandom };

/**
 * Uniform random record pairs for estimating u, from a seeded generator so the same data and
 * settings always train the same model (reproducible evidence, stable tests).
 */

/** Number of distinct pairs the linkage could compare: n(n−1)/2 for a dedup, left × right for a link. */
export function totalPairCount(prepared: PreparedRecords): number {
  if (prepared.mode === 'link') return prepared.leftSize * (prepared.size - prepared.leftSize);
  return (prepared.size * (prepared.size - 1)) / 2;
}

/** `count` pairs drawn with replacement, or every pair when there are no more than that. */
export function sampleRandomPairs(prepared: PreparedRecords, count: number, seed: number): PairBuffer {
  const total = totalPairCount(prepared);
  const { size, leftSize } = prepared;
  if (total <= count) {
    const all = new PairBuffer(Math.max(1, total));
    if (prepared.mode === 'link') {
      for (let i = 0; i < leftSize; i++) for (let j = leftSize; j < size; j++) all.push(i, j);
    } else {
      for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) all.push(i, j);
    }
    return all;
  }
  const random = seededRandom(seed);
  const pairs = new PairBuffer(count);
  const rightSize = size - leftSize;
  for (let p = 0; p < count; p++) {
    if (prepared.mode === 'link') {
      pairs.push(Math.floor(random() * leftSize), leftSize + Math.floor(random() * rightSize));
    } else {
      const i = Math.floor(random() * size);
      let j = Math.floor(random() * (size - 1));
      if (j >= i) j++;
      pairs.push(Math.min(i, j), Math.max(i, j));
    }
  }
  return pairs;
}
