/**
 * Minimum-cost assignment (the Hungarian method, Kuhn 1955 / Munkres 1957, in the O(n²m) form with
 * row and column potentials and shortest augmenting paths). Rectangular matrices are fine: every
 * row of the smaller side gets a distinct column of the larger.
 *
 * Returns, for each row, its column, or −1 when there are more rows than columns and the row is
 * left out.
 */
export function solveAssignment(cost: ReadonlyArray<ReadonlyArray<number>>): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : cost[0]!.length;
  for (const row of cost) {
    if (row.length !== cols) throw new RangeError('cost matrix rows differ in length');
    for (const value of row) if (!Number.isFinite(value)) throw new RangeError(`cost ${value} is not finite`);
  }
  if (rows === 0 || cols === 0) return new Array<number>(rows).fill(-1);
  if (rows <= cols) return assignRowsToColumns(cost, rows, cols);

  // More rows than columns: solve the transpose and turn the answer around.
  const transposed = Array.from({ length: cols }, (_, c) =>
    Array.from({ length: rows }, (_, r) => cost[r]![c]!),
  );
  const columnToRow = assignRowsToColumns(transposed, cols, rows);
  const rowToColumn = new Array<number>(rows).fill(-1);
  columnToRow.forEach((row, column) => {
    rowToColumn[row] = column;
  });
  return rowToColumn;
}

/** n ≤ m. Indices are 1-based inside, with row/column 0 as the sentinel the method needs. */
function assignRowsToColumns(cost: ReadonlyArray<ReadonlyArray<number>>, n: number, m: number): number[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  /** matchOf[j]: the row matched to column j (0: none). */
  const matchOf = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minSlack = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);

  for (let row = 1; row <= n; row++) {
    matchOf[0] = row;
    let j0 = 0;
    minSlack.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    // Grow a tree of tight edges from `row` until it reaches a free column.
    do {
      used[j0] = 1;
      const i0 = matchOf[j0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const slack = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (slack < minSlack[j]!) {
          minSlack[j] = slack;
          way[j] = j0;
        }
        if (minSlack[j]! < delta) {
          delta = minSlack[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[matchOf[j]!]! += delta;
          v[j]! -= delta;
        } else minSlack[j]! -= delta;
      }
      j0 = j1;
    } while (matchOf[j0] !== 0);
    // Flip the path: each column on it takes the row of the column before it.
    do {
      const j1 = way[j0]!;
      matchOf[j0] = matchOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }

  const rowToColumn = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (matchOf[j]! > 0) rowToColumn[matchOf[j]! - 1] = j - 1;
  return rowToColumn;
}
