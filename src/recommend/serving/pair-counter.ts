import type { BoughtTogetherOptions } from '../bought-together.js';

/**
 * "Bought together" counted basket by basket as orders stream past, with the formulas of
 * src/recommend/bought-together.ts (cosine n_ij/√(n_i·n_j) or lift n_ij·B/(n_i·n_j), pairs seen in
 * fewer than `minSupport` baskets dropped, baskets over `maxBasketSize` skipped). Pairs are kept as
 * numeric keys in a growing typed array and counted by sorting it once: a million orders make a
 * few million pairs, which a Map would hold at many times the memory.
 */

/** Item indices below this fit a pair key low·2^26 + high exactly in a double. */
const KEY_BASE = 2 ** 26;

export class PairCounter {
  private keys = new Float64Array(1 << 16);
  private pairs = 0;
  private basketCounts = new Float64Array(1024);
  private baskets = 0;

  constructor(private readonly options: Required<BoughtTogetherOptions>) {}

  /** One order's distinct item indices. */
  addBasket(items: readonly number[]): void {
    if (items.length === 0 || items.length > this.options.maxBasketSize) return;
    this.baskets++;
    const sorted = [...new Set(items)].sort((a, b) => a - b);
    const top = sorted[sorted.length - 1]!;
    if (top >= KEY_BASE) throw new RangeError(`more than ${KEY_BASE} items`);
    if (top >= this.basketCounts.length) {
      const next = new Float64Array(Math.max(top + 1, this.basketCounts.length * 2));
      next.set(this.basketCounts);
      this.basketCounts = next;
    }
    for (const item of sorted) this.basketCounts[item]!++;
    const needed = this.pairs + (sorted.length * (sorted.length - 1)) / 2;
    if (needed > this.keys.length) {
      let size = this.keys.length * 2;
      while (size < needed) size *= 2;
      const next = new Float64Array(size);
      next.set(this.keys.subarray(0, this.pairs));
      this.keys = next;
    }
    for (let a = 0; a < sorted.length; a++) {
      for (let b = a + 1; b < sorted.length; b++)
        this.keys[this.pairs++] = sorted[a]! * KEY_BASE + sorted[b]!;
    }
  }

  /** Per item index, its partners best first (at most `neighbours`). */
  partners(): Map<number, { index: number; score: number }[]> {
    const keys = this.keys.subarray(0, this.pairs).sort();
    const lists = new Map<number, { index: number; score: number }[]>();
    const push = (item: number, index: number, score: number) => {
      const list = lists.get(item);
      if (list) list.push({ index, score });
      else lists.set(item, [{ index, score }]);
    };
    for (let start = 0; start < keys.length; ) {
      let end = start + 1;
      while (end < keys.length && keys[end] === keys[start]) end++;
      const count = end - start;
      if (count >= this.options.minSupport) {
        const low = Math.floor(keys[start]! / KEY_BASE);
        const high = keys[start]! - low * KEY_BASE;
        const product = this.basketCounts[low]! * this.basketCounts[high]!;
        const score =
          this.options.normalization === 'lift'
            ? (count * this.baskets) / product
            : count / Math.sqrt(product);
        push(low, high, score);
        push(high, low, score);
      }
      start = end;
    }
    for (const [item, list] of lists) {
      list.sort((a, b) => b.score - a.score || a.index - b.index);
      lists.set(item, list.slice(0, this.options.neighbours));
    }
    return lists;
  }
}
