/** Confirms a candidate: the table keeps only hashes, so another key may share one. */
export interface AddressMatcher {
  matches(address: number): boolean;
}

const EMPTY = 0;
const REMOVED = 1;
/** Stored hashes avoid the two markers. */
const tagOf = (hash: number) => (hash >>> 0 < 2 ? hash + 2 : hash >>> 0);

/**
 * An open-addressing hash table over typed arrays (outside the JavaScript heap's object graph):
 * a 32-bit hash to a 32-bit arena address, linear probing, removed entries marked until the next
 * rehash. Kept at most 70 % full (removed entries included), so a miss stops after a few probes.
 * It stores no keys: `find` asks a matcher to confirm each candidate with the same hash.
 */
export class KeyTable {
  private tags: Uint32Array;
  private addresses: Uint32Array;
  private mask: number;
  private occupied = 0;
  size = 0;

  constructor(capacity = 1_024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.tags = new Uint32Array(slots);
    this.addresses = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  /** The address of the entry with `hash` that `matcher` accepts, or -1. */
  find(hash: number, matcher: AddressMatcher): number {
    const tag = tagOf(hash);
    for (let i = tag & this.mask; ; i = (i + 1) & this.mask) {
      const found = this.tags[i]!;
      if (found === EMPTY) return -1;
      if (found === tag && matcher.matches(this.addresses[i]!)) return this.addresses[i]!;
    }
  }

  insert(hash: number, address: number): void {
    if ((this.occupied + 1) * 10 > this.tags.length * 7) this.rehash();
    const tag = tagOf(hash);
    let i = tag & this.mask;
    while (this.tags[i]! > REMOVED) i = (i + 1) & this.mask;
    if (this.tags[i] === EMPTY) this.occupied++;
    this.tags[i] = tag;
    this.addresses[i] = address;
    this.size++;
  }

  /** Removes the entry with `hash` and `address`; false when there is none. */
  remove(hash: number, address: number): boolean {
    const i = this.slotOf(hash, address);
    if (i < 0) return false;
    this.tags[i] = REMOVED;
    this.size--;
    return true;
  }

  /** Points the entry with `hash` and address `from` at `to`; false when there is none. */
  replace(hash: number, from: number, to: number): boolean {
    const i = this.slotOf(hash, from);
    if (i < 0) return false;
    this.addresses[i] = to;
    return true;
  }

  /** Where the entry with `hash` and `address` sits, or -1. */
  private slotOf(hash: number, address: number): number {
    const tag = tagOf(hash);
    for (let i = tag & this.mask; ; i = (i + 1) & this.mask) {
      const found = this.tags[i]!;
      if (found === EMPTY) return -1;
      if (found === tag && this.addresses[i] === address) return i;
    }
  }

  /** Bytes the table holds. */
  get byteLength(): number {
    return this.tags.byteLength + this.addresses.byteLength;
  }

  /** Twice the room when over a third is live, else the same room without the removed entries. */
  private rehash(): void {
    const { tags, addresses } = this;
    const slots = this.size > tags.length * 0.35 ? tags.length * 2 : tags.length;
    this.tags = new Uint32Array(slots);
    this.addresses = new Uint32Array(slots);
    this.mask = slots - 1;
    this.occupied = 0;
    for (let i = 0; i < tags.length; i++) {
      const tag = tags[i]!;
      if (tag <= REMOVED) continue;
      let j = tag & this.mask;
      while (this.tags[j] !== EMPTY) j = (j + 1) & this.mask;
      this.tags[j] = tag;
      this.addresses[j] = addresses[i]!;
      this.occupied++;
    }
  }
}
