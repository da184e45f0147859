import { z } from 'zod';
import {
  buildInteractionMatrix,
  excludedIndices,
  type InteractionMatrix,
  rowLength,
  weightingSchema,
} from './matrix.js';
import { seededRandom } from './random.js';
import { topItems, topN } from './top-n.js';
import type { Interaction, RecommendationModel, Recommender } from './types.js';

/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008, "Collaborative Filtering for
 * Implicit Feedback Datasets"). Every user–item pair is an observation: preference p_ui = 1 when
 * the user interacted, else 0, with confidence c_ui = 1 + alpha · r_ui, so the unobserved pairs
 * pull scores of unseen items down (weakly) and interactions pull theirs up (strongly). Minimises
 *   Σ_ui c_ui (p_ui − x_u·y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
 * by alternating least squares. Each user's normal equations
 *   (YᵀY + λI + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ) x_u = Σ_{i∈u} c_ui y_i
 * use the shared YᵀY (the paper's trick: the dense part costs once per sweep, not per user), and
 * are solved by a few conjugate-gradient steps warm-started from the previous sweep (Takács,
 * Pilászy & Tikk 2011): close to an exact (Cholesky) solve at a fraction of its cost.
 * Factors live in Float64Arrays (row-major, `factors` per row); the random start is seeded.
 */

export const alsOptionsSchema = weightingSchema.extend({
  factors: z.number().int().positive().default(50),
  iterations: z.number().int().positive().default(15),
  regularization: z.number().nonnegative().default(10),
  alpha: z.number().nonnegative().default(1),
  cgSteps: z.number().int().positive().default(3),
  seed: z.number().int().default(1),
});
export type AlsOptions = z.input<typeof alsOptionsSchema>;

export interface AlsModel extends RecommendationModel {
  readonly algorithm: 'als';
  readonly userFactors: Float64Array;
  readonly itemFactors: Float64Array;
  readonly factors: number;
}

interface SideData {
  start: Int32Array;
  index: Int32Array;
  values: Float64Array;
}

/** One ALS half-sweep: solve every row of `target` against the fixed `fixed` factors. */
function solveSide(
  target: Float64Array,
  fixed: Float64Array,
  fixedCount: number,
  data: SideData,
  f: number,
  regularization: number,
  alpha: number,
  cgSteps: number,
): void {
  const gram = new Float64Array(f * f);
  for (let i = 0; i < fixedCount; i++) {
    const o = i * f;
    for (let a = 0; a < f; a++) {
      const ya = fixed[o + a]!;
      for (let b = a; b < f; b++) gram[a * f + b]! += ya * fixed[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a]! += regularization;
    for (let b = 0; b < a; b++) gram[a * f + b] = gram[b * f + a]!;
  }
  const x = new Float64Array(f);
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  const rows = data.start.length - 1;
  for (let u = 0; u < rows; u++) {
    const from = data.start[u]!;
    const to = data.start[u + 1]!;
    const xo = u * f;
    for (let a = 0; a < f; a++) x[a] = target[xo + a]!;
    // r = b − A x, with A = gram + Σ (c − 1) y yᵀ and b = Σ c y.
    multiply(gram, x, r, f);
    for (let a = 0; a < f; a++) r[a] = -r[a]!;
    for (let k = from; k < to; k++) {
      const yo = data.index[k]! * f;
      const c = 1 + alpha * data.values[k]!;
      let yx = 0;
      for (let a = 0; a < f; a++) yx += fixed[yo + a]! * x[a]!;
      const coefficient = c - (c - 1) * yx;
      for (let a = 0; a < f; a++) r[a]! += coefficient * fixed[yo + a]!;
    }
    p.set(r);
    let rsOld = dotProduct(r, r, f);
    for (let step = 0; step < cgSteps && rsOld > 1e-20; step++) {
      multiply(gram, p, ap, f);
      for (let k = from; k < to; k++) {
        const yo = data.index[k]! * f;
        const weight = alpha * data.values[k]!;
        let yp = 0;
        for (let a = 0; a < f; a++) yp += fixed[yo + a]! * p[a]!;
        const coefficient = weight * yp;
        for (let a = 0; a < f; a++) ap[a]! += coefficient * fixed[yo + a]!;
      }
      const pAp = dotProduct(p, ap, f);
      if (!(pAp > 0)) break;
      const stepSize = rsOld / pAp;
      for (let a = 0; a < f; a++) {
        x[a]! += stepSize * p[a]!;
        r[a]! -= stepSize * ap[a]!;
      }
      const rsNew = dotProduct(r, r, f);
      for (let a = 0; a < f; a++) p[a] = r[a]! + (rsNew / rsOld) * p[a]!;
      rsOld = rsNew;
    }
    for (let a = 0; a < f; a++) target[xo + a] = x[a]!;
  }
}

function multiply(matrix: Float64Array, vector: Float64Array, out: Float64Array, f: number): void {
  for (let a = 0; a < f; a++) {
    let sum = 0;
    const o = a * f;
    for (let b = 0; b < f; b++) sum += matrix[o + b]! * vector[b]!;
    out[a] = sum;
  }
}

function dotProduct(a: Float64Array, b: Float64Array, f: number): number {
  let sum = 0;
  for (let k = 0; k < f; k++) sum += a[k]! * b[k]!;
  return sum;
}

export function trainAls(
  matrix: InteractionMatrix,
  options: Pick<
    z.infer<typeof alsOptionsSchema>,
    'factors' | 'iterations' | 'regularization' | 'alpha' | 'cgSteps' | 'seed'
  >,
): { userFactors: Float64Array; itemFactors: Float64Array } {
  const f = options.factors;
  const userCount = matrix.userIds.length;
  const itemCount = matrix.itemIds.length;
  const random = seededRandom(options.seed);
  // Small positive start (as the reference implementations do): large random factors would
  // need several sweeps just to shrink away.
  const userFactors = new Float64Array(userCount * f).map(() => random.next() * 0.01);
  const itemFactors = new Float64Array(itemCount * f).map(() => random.next() * 0.01);
  const byUser = { start: matrix.rowStart, index: matrix.rowItems, values: matrix.rowValues };
  const byItem = { start: matrix.colStart, index: matrix.colUsers, values: matrix.colValues };
  for (let sweep = 0; sweep < options.iterations; sweep++) {
    solveSide(
      userFactors,
      itemFactors,
      itemCount,
      byUser,
      f,
      options.regularization,
      options.alpha,
      options.cgSteps,
    );
    solveSide(
      itemFactors,
      userFactors,
      userCount,
      byItem,
      f,
      options.regularization,
      options.alpha,
      options.cgSteps,
    );
  }
  return { userFactors, itemFactors };
}

export function fitAls(interactions: readonly Interaction[], input: AlsOptions = {}): AlsModel {
  const { factors, iterations, regularization, alpha, cgSteps, seed, ...weighting } =
    alsOptionsSchema.parse(input);
  const matrix = buildInteractionMatrix(interactions, weighting);
  const { userFactors, itemFactors } = trainAls(matrix, {
    factors,
    iterations,
    regularization,
    alpha,
    cgSteps,
    seed,
  });
  const itemCount = matrix.itemIds.length;
  const f = factors;
  const itemNorms = new Float64Array(itemCount);
  for (let i = 0; i < itemCount; i++) {
    let sum = 0;
    for (let a = 0; a < f; a++) sum += itemFactors[i * f + a]! ** 2;
    itemNorms[i] = Math.sqrt(sum);
  }
  return {
    algorithm: 'als',
    userFactors,
    itemFactors,
    factors: f,
    recommend(userId, n, exclude) {
      const u = matrix.userIndex.get(userId);
      if (u === undefined) return [];
      const scores = new Float64Array(itemCount);
      const uo = u * f;
      for (let i = 0; i < itemCount; i++) {
        let sum = 0;
        const io = i * f;
        for (let a = 0; a < f; a++) sum += userFactors[uo + a]! * itemFactors[io + a]!;
        scores[i] = sum;
      }
      const skip = new Uint8Array(itemCount);
      for (const i of excludedIndices(matrix, exclude)) skip[i] = 1;
      return topItems(scores, n, matrix.itemIds, { skip, floor: 0 });
    },
    similarItems(itemId, n) {
      const j = matrix.itemIndex.get(itemId);
      if (j === undefined || itemNorms[j] === 0) return [];
      const scores = new Float64Array(itemCount);
      for (let i = 0; i < itemCount; i++) {
        if (i === j || itemNorms[i] === 0) continue;
        let sum = 0;
        for (let a = 0; a < f; a++) sum += itemFactors[j * f + a]! * itemFactors[i * f + a]!;
        scores[i] = sum / (itemNorms[i]! * itemNorms[j]!);
      }
      return topN(scores, n, { floor: 0 }).map(({ index, score }) => ({
        itemId: matrix.itemIds[index]!,
        score,
      }));
    },
    userSupport: (userId) => rowLength(matrix, matrix.userIndex.get(userId)),
  };
}

export const als: Recommender<AlsOptions> = { name: 'als', fit: fitAls };
