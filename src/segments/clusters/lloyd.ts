import { type FeatureMatrix, squaredDistance } from './matrix.js';

/**
 * Lloyd's iterations (assign each row to its nearest centre, move each centre to the mean of its
 * rows) with Hamerly's bounds (2010): each row keeps an upper bound on the distance to its own
 * centre and a lower bound on the distance to any other; when the centres barely move, the bounds
 * prove most rows cannot change cluster and their k distances are never computed. The result is
 * the same as plain Lloyd's; only the work differs, and that is what keeps k = 2..10 on 100,000
 * rows within seconds.
 */

export interface LloydOptions {
  maxIterations: number;
  /** Stop when the summed squared movement of the centres is at most this. */
  tolerance: number;
}

export interface LloydResult {
  centers: Float64Array;
  labels: Int32Array;
  sizes: Int32Array;
  /** Sum of squared distances of rows to their centres. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

export function runLloyd(
  data: FeatureMatrix,
  initialCenters: Float64Array,
  options: LloydOptions,
): LloydResult {
  const { rows: n, cols: d, values: x } = data;
  const k = initialCenters.length / d;
  const centers = Float64Array.from(initialCenters);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  const moved = new Float64Array(k);
  const halfGap = new Float64Array(k);

  /** Full scan of row i: nearest and second-nearest centre. Returns whether the label changed. */
  const assignFully = (i: number): boolean => {
    let best = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    let bestLabel = 0;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(x, i, centers, c, d);
      if (dist < best) {
        second = best;
        best = dist;
        bestLabel = c;
      } else if (dist < second) second = dist;
    }
    const changed = labels[i] !== bestLabel;
    labels[i] = bestLabel;
    upper[i] = Math.sqrt(best);
    lower[i] = k > 1 ? Math.sqrt(second) : Number.POSITIVE_INFINITY;
    return changed;
  };

  for (let i = 0; i < n; i++) assignFully(i);

  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations) {
    iterations++;
    const shift = moveCenters(data, labels, centers, sums, sizes, moved);

    // Bounds follow the centres: the own centre moved at most moved[label] closer or farther,
    // any other centre at most the largest movement among the others.
    let largest = 0;
    let largestAt = -1;
    let secondLargest = 0;
    for (let c = 0; c < k; c++) {
      if (moved[c]! > largest) {
        secondLargest = largest;
        largest = moved[c]!;
        largestAt = c;
      } else if (moved[c]! > secondLargest) secondLargest = moved[c]!;
    }
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      upper[i]! += moved[own]!;
      lower[i]! -= own === largestAt ? secondLargest : largest;
    }

    for (let c = 0; c < k; c++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let o = 0; o < k; o++) {
        if (o !== c) nearest = Math.min(nearest, squaredDistance(centers, c, centers, o, d));
      }
      halfGap[c] = Math.sqrt(nearest) / 2;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      const bound = Math.max(halfGap[own]!, lower[i]!);
      if (upper[i]! <= bound) continue;
      upper[i] = Math.sqrt(squaredDistance(x, i, centers, own, d));
      if (upper[i]! <= bound) continue;
      if (assignFully(i)) changed++;
    }
    // Either test means the labels now agree with centres that no longer move (to tolerance).
    if (changed === 0 || shift <= options.tolerance) {
      converged = true;
      break;
    }
  }

  sizes.fill(0);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i]!;
    sizes[own]!++;
    inertia += squaredDistance(x, i, centers, own, d);
  }
  return { centers, labels, sizes, inertia, iterations, converged };
}

/**
 * Centres to the means of their rows; writes each centre's movement into `moved` and returns the
 * summed squared movement. A centre left without rows is moved onto the row farthest from its own
 * centre (as scikit-learn does), so k clusters stay k clusters.
 */
function moveCenters(
  data: FeatureMatrix,
  labels: Int32Array,
  centers: Float64Array,
  sums: Float64Array,
  sizes: Int32Array,
  moved: Float64Array,
): number {
  const { rows: n, cols: d, values: x } = data;
  const k = sizes.length;
  sums.fill(0);
  sizes.fill(0);
  for (let i = 0; i < n; i++) {
    const own = labels[i]!;
    sizes[own]!++;
    const ro = i * d;
    const co = own * d;
    for (let c = 0; c < d; c++) sums[co + c]! += x[ro + c]!;
  }
  const taken = new Set<number>();
  for (let c = 0; c < k; c++) {
    if (sizes[c]! > 0) {
      for (let j = 0; j < d; j++) sums[c * d + j]! /= sizes[c]!;
    } else {
      // Measured against the centres of the assignment that left this one empty.
      const row = farthestRow(data, labels, centers, taken);
      taken.add(row);
      sums.set(x.subarray(row * d, row * d + d), c * d);
    }
  }
  let shift = 0;
  for (let c = 0; c < k; c++) {
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const diff = sums[c * d + j]! - centers[c * d + j]!;
      sq += diff * diff;
    }
    moved[c] = Math.sqrt(sq);
    shift += sq;
  }
  centers.set(sums);
  return shift;
}

/** The row farthest from its own centre, not already used to refill another empty cluster. */
function farthestRow(
  data: FeatureMatrix,
  labels: Int32Array,
  centers: Float64Array,
  taken: Set<number>,
): number {
  const { rows: n, cols: d, values: x } = data;
  let best = 0;
  let bestDistance = -1;
  for (let i = 0; i < n; i++) {
    if (taken.has(i)) continue;
    const dist = squaredDistance(x, i, centers, labels[i]!, d);
    if (dist > bestDistance) {
      bestDistance = dist;
      best = i;
    }
  }
  return best;
}
