import { describe, expect, it } from 'vitest';
import { seededRandom, solveAssignment } from '../../../../src/segments/clusters/index.js';

function totalCost(cost: number[][], assignment: number[]): number {
  return assignment.reduce((sum, column, row) => (column < 0 ? sum : sum + cost[row]![column]!), 0);
}

/** The cheapest cost over every way to give min(rows, cols) rows distinct columns. */
function bruteForceMinimum(cost: number[][]): number {
  const rows = cost.length;
  const cols = cost[0]!.length;
  const pairs = Math.min(rows, cols);
  let best = Number.POSITIVE_INFINITY;
  const usedCols = new Array<boolean>(cols).fill(false);
  const walk = (row: number, matched: number, sum: number) => {
    if (matched === pairs) {
      best = Math.min(best, sum);
      return;
    }
    if (row === rows) return;
    // Either leave this row out (possible only when rows > cols) or give it a free column.
    if (rows - row - 1 >= pairs - matched) walk(row + 1, matched, sum);
    for (let c = 0; c < cols; c++) {
      if (usedCols[c]) continue;
      usedCols[c] = true;
      walk(row + 1, matched + 1, sum + cost[row]![c]!);
      usedCols[c] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

function isValid(assignment: number[], rows: number, cols: number): boolean {
  const columns = assignment.filter((c) => c >= 0);
  return (
    assignment.length === rows &&
    columns.length === Math.min(rows, cols) &&
    new Set(columns).size === columns.length &&
    columns.every((c) => c < cols)
  );
}

describe('solveAssignment (Hungarian method)', () => {
  it('solves a textbook 3 × 3 case', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(solveAssignment(cost)).toEqual([1, 0, 2]);
    expect(totalCost(cost, solveAssignment(cost))).toBe(5);
  });

  it('does not settle for the greedy choice', () => {
    // Greedy takes (0,0) = 1 and is then forced into (1,1) = 100; the optimum is 2 + 3.
    const cost = [
      [1, 2],
      [3, 100],
    ];
    expect(solveAssignment(cost)).toEqual([1, 0]);
  });

  it('matches brute force on random square and rectangular matrices', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(random() * 6);
      const cols = 1 + Math.floor(random() * 6);
      // Small integers make ties, where a wrong step most easily hides.
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => Math.floor(random() * 10) - 3),
      );
      const assignment = solveAssignment(cost);
      expect(isValid(assignment, rows, cols)).toBe(true);
      expect(totalCost(cost, assignment)).toBe(bruteForceMinimum(cost));
    }
  });

  it('leaves the surplus rows out when there are more rows than columns', () => {
    const cost = [[5], [1], [3]];
    expect(solveAssignment(cost)).toEqual([-1, 0, -1]);
  });

  it('handles empty input and refuses non-finite costs', () => {
    expect(solveAssignment([])).toEqual([]);
    expect(() => solveAssignment([[1, Number.NaN]])).toThrow(RangeError);
  });
});
