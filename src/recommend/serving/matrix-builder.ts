import type { InteractionMatrix } from '../matrix.js';

/**
 * Builds the user × item matrix of src/recommend/matrix.ts one user row at a time, in typed arrays
 * that grow by doubling, so a million profiles read page by page never exist as a million
 * interaction objects. Items get dense indices as they appear (`indexOf`).
 */
export class MatrixBuilder {
  readonly itemIds: string[] = [];
  readonly itemIndex = new Map<string, number>();
  private rowStart = new Int32Array(1024);
  private rowItems = new Int32Array(4096);
  private rowValues = new Float64Array(4096);
  private users = 0;
  private cells = 0;

  get userCount(): number {
    return this.users;
  }

  indexOf(itemId: string): number {
    let index = this.itemIndex.get(itemId);
    if (index === undefined) {
      index = this.itemIds.length;
      this.itemIndex.set(itemId, index);
      this.itemIds.push(itemId);
    }
    return index;
  }

  /** One user's row: item index → summed value (the caller has added up repeated interactions). */
  addRow(cells: ReadonlyMap<number, number>): void {
    if (this.users + 2 > this.rowStart.length) this.rowStart = grow(this.rowStart, this.users + 2);
    if (this.cells + cells.size > this.rowItems.length) {
      this.rowItems = grow(this.rowItems, this.cells + cells.size);
      this.rowValues = grow(this.rowValues, this.cells + cells.size);
    }
    // Items ascending within a row, as buildInteractionMatrix leaves them.
    for (const item of [...cells.keys()].sort((a, b) => a - b)) {
      this.rowItems[this.cells] = item;
      this.rowValues[this.cells] = cells.get(item)!;
      this.cells++;
    }
    this.users++;
    this.rowStart[this.users] = this.cells;
  }

  /**
   * The matrix with its transpose. User ids are not kept: rows are profiles in page order, and the
   * fit needs only their items (scoring reads each profile's interactions again, page by page).
   */
  build(): InteractionMatrix {
    const itemCount = this.itemIds.length;
    const rowStart = this.rowStart.slice(0, this.users + 1);
    const rowItems = this.rowItems.slice(0, this.cells);
    const rowValues = this.rowValues.slice(0, this.cells);
    const colStart = new Int32Array(itemCount + 1);
    for (let k = 0; k < rowItems.length; k++) colStart[rowItems[k]! + 1]!++;
    for (let i = 0; i < itemCount; i++) colStart[i + 1]! += colStart[i]!;
    const fill = colStart.slice(0, itemCount);
    const colUsers = new Int32Array(rowItems.length);
    const colValues = new Float64Array(rowItems.length);
    for (let u = 0; u < this.users; u++) {
      for (let k = rowStart[u]!; k < rowStart[u + 1]!; k++) {
        const at = fill[rowItems[k]!]!++;
        colUsers[at] = u;
        colValues[at] = rowValues[k]!;
      }
    }
    return {
      userIds: [],
      itemIds: this.itemIds,
      userIndex: new Map(),
      itemIndex: this.itemIndex,
      rowStart,
      rowItems,
      rowValues,
      colStart,
      colUsers,
      colValues,
    };
  }
}

function grow<T extends Int32Array | Float64Array>(array: T, needed: number): T {
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const next = new (array.constructor as new (length: number) => T)(size);
  next.set(array);
  return next;
}
