import { seededRandom } from '../../../../src/segments/clusters/index.js';

/** A standard normal draw (Box–Muller) from a seeded uniform source. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Planted structure: `sizes[b]` points around `centers[b]` with standard deviation `spread` per
 * feature. `truth[i]` is the blob of row i.
 */
export function plantedBlobs(
  centers: number[][],
  sizes: number[],
  spread: number,
  seed: number,
): { rows: number[][]; truth: number[] } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centers.forEach((center, b) => {
    for (let i = 0; i < sizes[b]!; i++) {
      rows.push(center.map((value) => value + spread * gaussian(random)));
      truth.push(b);
    }
  });
  return { rows, truth };
}

/** A seeded shuffle of row indices. */
export function shuffledOrder(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Whether two labellings make the same partition (equal up to renaming the labels). */
export function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((forward.get(x) ?? y) !== y || (backward.get(y) ?? x) !== x) return false;
    forward.set(x, y);
    backward.set(y, x);
  }
  return true;
}
