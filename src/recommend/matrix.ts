import { z } from 'zod';
import type { Interaction } from './types.js';

/**
 * The user × item matrix every algorithm starts from, in compressed sparse rows both ways (by
 * user and by item), with dense integer indices so the hot loops touch typed arrays, not maps.
 * Repeated interactions of a user with an item add up into one cell.
 */

const DAY_MS = 86_400_000;

export const weightingSchema = z.object({
  /**
   * Multiplier per interaction type. A purchase says more than a view: these defaults follow the
   * usual funnel (roughly one purchase per five cart adds per many views) and are a starting
   * point to tune per shop. Types not listed count 1.
   */
  typeWeights: z
    .record(z.string(), z.number().nonnegative())
    .default({ purchase: 1, cart_add: 0.5, view: 0.2 }),
  /** Exponential time decay: an interaction this many days older counts half. Absent: no decay. */
  halfLifeDays: z.number().positive().optional(),
  /**
   * The reference time of the decay (epoch ms). Default: the latest interaction in the data, so a
   * fit is reproducible and does not depend on the wall clock.
   */
  now: z.number().optional(),
});
export type Weighting = z.infer<typeof weightingSchema>;

export interface InteractionMatrix {
  userIds: string[];
  itemIds: string[];
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  /** Row u holds items `rowItems[rowStart[u] .. rowStart[u+1])` with values `rowValues[…]`, items ascending. */
  rowStart: Int32Array;
  rowItems: Int32Array;
  rowValues: Float64Array;
  /** The transpose: column i holds users `colUsers[colStart[i] .. colStart[i+1])`. */
  colStart: Int32Array;
  colUsers: Int32Array;
  colValues: Float64Array;
}

/** The value one interaction adds to its cell: weight × type weight × decay. */
export function interactionValue(interaction: Interaction, weighting: Weighting, now: number): number {
  const typeWeight = interaction.type === undefined ? 1 : (weighting.typeWeights[interaction.type] ?? 1);
  let value = (interaction.weight ?? 1) * typeWeight;
  if (weighting.halfLifeDays !== undefined && interaction.at !== undefined) {
    const ageDays = Math.max(0, now - interaction.at) / DAY_MS;
    value *= 0.5 ** (ageDays / weighting.halfLifeDays);
  }
  return value;
}

/** The latest `at` in the data (0 when none has one): the default reference time of decays. */
export function latestTime(interactions: readonly Interaction[]): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const interaction of interactions) {
    if (interaction.at !== undefined && interaction.at > latest) latest = interaction.at;
  }
  return Number.isFinite(latest) ? latest : 0;
}

export function buildInteractionMatrix(
  interactions: readonly Interaction[],
  weightingInput: z.input<typeof weightingSchema> = {},
): InteractionMatrix {
  const weighting = weightingSchema.parse(weightingInput);
  const now = weighting.now ?? latestTime(interactions);
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const cells = new Map<number, number>();
  // Cell key u * itemCount + i needs the item count up front; collect indices first.
  const us = new Int32Array(interactions.length);
  const is = new Int32Array(interactions.length);
  const values = new Float64Array(interactions.length);
  interactions.forEach((interaction, k) => {
    let u = userIndex.get(interaction.userId);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(interaction.userId, u);
      userIds.push(interaction.userId);
    }
    let i = itemIndex.get(interaction.itemId);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(interaction.itemId, i);
      itemIds.push(interaction.itemId);
    }
    us[k] = u;
    is[k] = i;
    values[k] = interactionValue(interaction, weighting, now);
  });
  const itemCount = itemIds.length;
  for (let k = 0; k < interactions.length; k++) {
    const key = us[k]! * itemCount + is[k]!;
    cells.set(key, (cells.get(key) ?? 0) + values[k]!);
  }
  return fromCells(userIds, itemIds, userIndex, itemIndex, cells);
}

function fromCells(
  userIds: string[],
  itemIds: string[],
  userIndex: Map<string, number>,
  itemIndex: Map<string, number>,
  cells: Map<number, number>,
): InteractionMatrix {
  const userCount = userIds.length;
  const itemCount = itemIds.length;
  const keys = Float64Array.from(cells.keys()).sort();
  const nnz = keys.length;
  const rowStart = new Int32Array(userCount + 1);
  const rowItems = new Int32Array(nnz);
  const rowValues = new Float64Array(nnz);
  const colStart = new Int32Array(itemCount + 1);
  for (let k = 0; k < nnz; k++) {
    const key = keys[k]!;
    const u = Math.floor(key / itemCount);
    const i = key - u * itemCount;
    rowStart[u + 1]!++;
    colStart[i + 1]!++;
    rowItems[k] = i;
    rowValues[k] = cells.get(key)!;
  }
  for (let u = 0; u < userCount; u++) rowStart[u + 1]! += rowStart[u]!;
  for (let i = 0; i < itemCount; i++) colStart[i + 1]! += colStart[i]!;
  const colUsers = new Int32Array(nnz);
  const colValues = new Float64Array(nnz);
  const fill = colStart.slice(0, itemCount);
  for (let u = 0; u < userCount; u++) {
    for (let k = rowStart[u]!; k < rowStart[u + 1]!; k++) {
      const i = rowItems[k]!;
      const at = fill[i]!++;
      colUsers[at] = u;
      colValues[at] = rowValues[k]!;
    }
  }
  return {
    userIds,
    itemIds,
    userIndex,
    itemIndex,
    rowStart,
    rowItems,
    rowValues,
    colStart,
    colUsers,
    colValues,
  };
}

/** Distinct items of a user (0 for an unknown user). */
export function rowLength(matrix: InteractionMatrix, user: number | undefined): number {
  return user === undefined ? 0 : matrix.rowStart[user + 1]! - matrix.rowStart[user]!;
}

/** Item indices of the ids in `exclude` that the matrix knows. */
export function excludedIndices(
  matrix: InteractionMatrix,
  exclude: ReadonlySet<string> | undefined,
): number[] {
  const out: number[] = [];
  if (!exclude) return out;
  for (const itemId of exclude) {
    const i = matrix.itemIndex.get(itemId);
    if (i !== undefined) out.push(i);
  }
  return out;
}
