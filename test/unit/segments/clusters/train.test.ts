import { describe, expect, it } from 'vitest';
import {
  assignToMicroSegments,
  type ClusterFeatureInput,
  matrixFromRows,
  microSegmentModelSchema,
  trainMicroSegments,
} from '../../../../src/segments/clusters/index.js';
import { plantedBlobs, samePartition, shuffledOrder } from './planted.js';

/**
 * Planted customer groups in 5 features (frequency, order value, outdoor and kids affinity, and
 * a constant feature every customer shares). Group 0 is the only frequent one with low order
 * values and a taste for outdoor gear, so its description must say so.
 */
const features: ClusterFeatureInput[] = [
  { name: 'frequency', high: 'frequent', low: 'infrequent' },
  { name: 'order_value' },
  { name: 'outdoor_share', kind: 'category-affinity', category: 'outdoor' },
  { name: 'kids_share', kind: 'category-affinity', category: 'kids' },
  { name: 'country_code' },
];
const GROUPS = [
  [12, 20, 0.8, 0.1, 1],
  [2, 150, 0.1, 0.1, 1],
  [3, 60, 0.1, 0.7, 1],
  [6, 60, 0.1, 0.1, 1],
];
function customers(sizes: number[], seed: number, groups: number[][] = GROUPS) {
  const { rows, truth } = plantedBlobs(groups, sizes, 0, seed);
  // Per-feature spread proportionate to each feature's scale; the constant stays constant.
  const spread = [0.8, 6, 0.04, 0.04, 0];
  const noisy = plantedBlobs(
    groups.map(() => spread.map(() => 0)),
    sizes,
    1,
    seed + 1,
  ).rows.map((noise, i) => noise.map((z, c) => rows[i]![c]! + z * spread[c]!));
  return { rows: noisy, truth };
}

describe('trainMicroSegments', () => {
  const { rows, truth } = customers([300, 250, 200, 150], 21);
  const first = trainMicroSegments({ data: matrixFromRows(rows), features, options: { seed: 5 } });

  it('chooses the planted k by silhouette and recovers the groups', () => {
    expect(first.model.training.k).toBe(4);
    expect(first.model.training.silhouette).toBeGreaterThan(0.6);
    expect(first.model.training.silhouetteExact).toBe(true);
    expect(first.model.training.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const best = Math.max(...first.model.training.candidates.map((c) => c.silhouette ?? -1));
    expect(first.model.training.silhouette).toBe(best);
    expect(samePartition(first.assignments, truth)).toBe(true);
  });

  it('reports sizes and shares, numbering a first training by size', () => {
    expect(first.model.clusters.map((c) => [c.id, c.size])).toEqual([
      [1, 300],
      [2, 250],
      [3, 200],
      [4, 150],
    ]);
    expect(first.model.clusters.reduce((sum, c) => sum + c.share, 0)).toBeCloseTo(1, 12);
    expect(first.model.nextClusterId).toBe(5);
  });

  it('describes each cluster by what sets it apart, never by the constant feature', () => {
    const byId = new Map(first.model.clusters.map((c) => [c.id, c]));
    expect(byId.get(1)!.description.split(', ').sort()).toEqual(['frequent', 'low order value', 'outdoor']);
    expect(byId.get(2)!.description).toContain('high order value');
    expect(byId.get(3)!.description).toContain('kids');
    for (const cluster of first.model.clusters) expect(cluster.description).not.toContain('country');
    expect(first.model.scaler.constant).toEqual([false, false, false, false, true]);
  });

  it('produces a model that survives a JSON round trip through its schema', () => {
    const stored = microSegmentModelSchema.parse(JSON.parse(JSON.stringify(first.model)));
    expect(stored).toEqual(first.model);
  });

  it('assigns rows to the same ids the training gave them', () => {
    expect(Array.from(assignToMicroSegments(first.model, matrixFromRows(rows)))).toEqual(
      Array.from(first.assignments),
    );
  });

  it('keeps ids and labels when retrained on the same customers shuffled, with another seed', () => {
    const renamed = structuredClone(first.model);
    renamed.clusters.find((c) => c.id === 1)!.label = 'Weekend hikers';
    const order = shuffledOrder(rows.length, 99);
    const again = trainMicroSegments({
      data: matrixFromRows(order.map((i) => rows[i]!)),
      features,
      options: { seed: 12345 },
      previous: renamed,
    });
    expect(again.model.clusters.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(again.model.clusters.every((c) => c.carriedOver)).toBe(true);
    expect(again.model.clusters.find((c) => c.id === 1)!.label).toBe('Weekend hikers');
    expect(again.retiredClusterIds).toEqual([]);
    // Customer by customer, the same id as before.
    order.forEach((original, position) => {
      expect(again.assignments[position]).toBe(first.assignments[original]);
    });
  });

  it('keeps ids on fresh customers from the same groups, gives a new group a new id and retires a gone one', () => {
    // Group 2 (kids) is gone; a new group of big-basket kids buyers appears.
    const groups = [...GROUPS.slice(0, 2), GROUPS[3]!, [9, 220, 0.1, 0.8, 1]];
    const next = customers([280, 260, 170, 190], 70, groups);
    const retrained = trainMicroSegments({
      data: matrixFromRows(next.rows),
      features,
      options: { seed: 8 },
      previous: first.model,
    });
    const idOfGroup = (g: number) => retrained.assignments[next.truth.indexOf(g)];
    const firstIdOf = (g: number) => first.assignments[truth.indexOf(g)];
    expect(idOfGroup(0)).toBe(firstIdOf(0));
    expect(idOfGroup(1)).toBe(firstIdOf(1));
    expect(idOfGroup(2)).toBe(firstIdOf(3));
    expect(idOfGroup(3)).toBe(5);
    expect(retrained.retiredClusterIds).toEqual([firstIdOf(2)]);
    expect(retrained.model.nextClusterId).toBe(6);
    const fresh = retrained.model.clusters.find((c) => c.id === 5)!;
    expect(fresh.carriedOver).toBe(false);
    expect(fresh.label).toBe(fresh.description);
  });

  it('starts fresh ids when the features changed', () => {
    const fewer = trainMicroSegments({
      data: matrixFromRows(rows.map((r) => r.slice(0, 4))),
      features: features.slice(0, 4),
      options: { seed: 5 },
      previous: first.model,
    });
    expect(fewer.model.clusters.map((c) => c.id)).toEqual([5, 6, 7, 8]);
    expect(fewer.retiredClusterIds).toEqual([1, 2, 3, 4]);
  });

  it('returns a model without a silhouette when the rows have no structure at all', () => {
    const same = trainMicroSegments({
      data: matrixFromRows(Array.from({ length: 20 }, () => [3, 40, 0.2, 0.2, 1])),
      features,
      options: { kMax: 4 },
    });
    expect(same.model.training.silhouette).toBeNull();
    expect(same.model.training.k).toBe(2);
    expect(same.model.clusters.reduce((sum, c) => sum + c.size, 0)).toBe(20);
    expect(same.model.scaler.constant.every(Boolean)).toBe(true);
  });

  it('refuses data whose width differs from the features', () => {
    expect(() => trainMicroSegments({ data: matrixFromRows(rows), features: features.slice(0, 3) })).toThrow(
      RangeError,
    );
  });
});
