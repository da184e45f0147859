import { describe, expect, it } from 'vitest';
import { buildInteractionMatrix } from '../../../src/recommend/matrix.js';
import { topN } from '../../../src/recommend/top-n.js';

const DAY = 86_400_000;

describe('interaction matrix', () => {
  it('adds repeated interactions into one cell and keeps both orientations in step', () => {
    const matrix = buildInteractionMatrix([
      { userId: 'u1', itemId: 'a' },
      { userId: 'u1', itemId: 'a', weight: 2 },
      { userId: 'u1', itemId: 'b' },
      { userId: 'u2', itemId: 'b' },
    ]);
    const a = matrix.itemIndex.get('a')!;
    const b = matrix.itemIndex.get('b')!;
    const u1 = matrix.userIndex.get('u1')!;
    const row = Array.from(matrix.rowItems.slice(matrix.rowStart[u1]!, matrix.rowStart[u1 + 1]!));
    const values = Array.from(matrix.rowValues.slice(matrix.rowStart[u1]!, matrix.rowStart[u1 + 1]!));
    expect(row).toEqual([a, b]);
    expect(values).toEqual([3, 1]);
    expect(Array.from(matrix.colUsers.slice(matrix.colStart[b]!, matrix.colStart[b + 1]!))).toHaveLength(2);
  });

  it('weighs interaction types and decays old interactions by the half-life', () => {
    const now = 100 * DAY;
    const matrix = buildInteractionMatrix(
      [
        { userId: 'u', itemId: 'bought', type: 'purchase', at: now },
        { userId: 'u', itemId: 'viewed', type: 'view', at: now },
        { userId: 'u', itemId: 'old', type: 'purchase', at: now - 14 * DAY },
      ],
      { typeWeights: { purchase: 1, view: 0.25 }, halfLifeDays: 7 },
    );
    const value = (itemId: string) => {
      const i = matrix.itemIndex.get(itemId)!;
      return matrix.colValues[matrix.colStart[i]!];
    };
    expect(value('bought')).toBe(1);
    expect(value('viewed')).toBe(0.25);
    // Two half-lives before the latest interaction (the default reference time).
    expect(value('old')).toBeCloseTo(0.25, 12);
  });
});

describe('topN', () => {
  it('returns the best n above the floor, skipping masked entries, ties to the lower index', () => {
    const scores = [0.5, 2, 0, 2, 1, 3];
    const skip = new Uint8Array([0, 0, 0, 0, 0, 1]);
    expect(topN(scores, 3, { skip, floor: 0 })).toEqual([
      { index: 1, score: 2 },
      { index: 3, score: 2 },
      { index: 4, score: 1 },
    ]);
    expect(topN(scores, 10, { floor: 0 }).map((entry) => entry.index)).toEqual([5, 1, 3, 4, 0]);
    expect(topN(scores, 0)).toEqual([]);
  });
});
