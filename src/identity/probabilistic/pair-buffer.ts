/** A growable list of record pairs in two typed arrays (no per-pair objects: there can be millions). */
export class PairBuffer {
  left: Int32Array;
  right: Int32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
  }

  push(i: number, j: number): void {
    if (this.count === this.left.length) {
      const left = new Int32Array(this.left.length * 2);
      const right = new Int32Array(this.right.length * 2);
      left.set(this.left);
      right.set(this.right);
      this.left = left;
      this.right = right;
    }
    this.left[this.count] = i;
    this.right[this.count] = j;
    this.count++;
  }

  /** Trimmed copies, safe to keep after the buffer is reused. */
  toArrays(): { left: Int32Array; right: Int32Array } {
    return { left: this.left.slice(0, this.count), right: this.right.slice(0, this.count) };
  }
}
