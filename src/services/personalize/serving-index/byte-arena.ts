/** 2 MB chunks: a million profiles fill about 130, and compacting one pauses sends a few ms. */
const CHUNK_BITS = 21;

/**
 * Append-only bytes for the serving index, in Buffers outside the JavaScript heap.
 *
 * Why not objects: V8's young-generation collection walks the list of every old-generation page
 * (one cache and TLB miss per 256 KB page), so a million profiles held as objects (about 700 MB)
 * made each of the webhook's scavenges cost 2–3 ms whatever it collected, several times a second
 * under load (docs/benchmarks.md, seventh session). Bytes in Buffers are not pages of the heap.
 *
 * An address is `chunk << chunkBits | offset`, below 2^32. A record never spans two chunks.
 * Space given up (`release`) is counted per chunk; once most of a chunk is given up, its live
 * records are moved to the end and the chunk is freed (ProfileIndex.compactStep), a chunk at a time
 * so no send waits long.
 */
export class ByteArena {
  private readonly chunks: (Buffer | undefined)[] = [];
  private readonly views: (DataView | undefined)[] = [];
  /** Bytes appended to each chunk, and of those given up. */
  private readonly filled: number[] = [];
  private readonly released: number[] = [];
  private readonly freed: number[] = [];
  private current = -1;
  readonly chunkSize: number;
  private readonly offsetMask: number;
  liveBytes = 0;
  deadBytes = 0;

  constructor(private readonly chunkBits = CHUNK_BITS) {
    this.chunkSize = 2 ** chunkBits;
    this.offsetMask = this.chunkSize - 1;
  }

  /** Room for `size` bytes; returns its address. */
  reserve(size: number): number {
    if (size > this.chunkSize) throw new RangeError(`a record of ${size} bytes is over ${this.chunkSize}`);
    if (this.current < 0 || this.filled[this.current]! + size > this.chunkSize) this.startChunk();
    const chunk = this.current;
    const address = chunk * this.chunkSize + this.filled[chunk]!;
    this.filled[chunk]! += size;
    this.liveBytes += size;
    return address;
  }

  /** Counts the `size` bytes at `address` as given up (their record was replaced or evicted). */
  release(address: number, size: number): void {
    this.released[this.chunkOf(address)]! += size;
    this.liveBytes -= size;
    this.deadBytes += size;
  }

  bytes(address: number): Buffer {
    return this.chunks[this.chunkOf(address)]!;
  }

  view(address: number): DataView {
    return this.views[this.chunkOf(address)]!;
  }

  offsetOf(address: number): number {
    // Addresses are below 2^32: the low bits are the offset even when `&` reads them as signed.
    return address & this.offsetMask;
  }

  /** The chunk (not the one being appended to) most of which is given up, the emptiest; -1 if none. */
  sparseChunk(): number {
    let best = -1;
    let bestShare = 0.5;
    for (let chunk = 0; chunk < this.chunks.length; chunk++) {
      if (chunk === this.current || !this.chunks[chunk]) continue;
      const share = this.released[chunk]! / this.filled[chunk]!;
      if (share > bestShare) [best, bestShare] = [chunk, share];
    }
    return best;
  }

  /** The address of the first record in `chunk`, and its end. */
  span(chunk: number): { first: number; end: number } {
    const first = chunk * this.chunkSize;
    return { first, end: first + this.filled[chunk]! };
  }

  /** Lets go of a chunk whose live records were all moved elsewhere. */
  freeChunk(chunk: number): void {
    const filled = this.filled[chunk]!;
    const released = this.released[chunk]!;
    this.liveBytes -= filled - released;
    this.deadBytes -= released;
    this.chunks[chunk] = undefined;
    this.views[chunk] = undefined;
    this.freed.push(chunk);
  }

  /** Bytes allocated (what the arena adds to the process's memory once touched). */
  get byteLength(): number {
    return (this.chunks.length - this.freed.length) * this.chunkSize;
  }

  private chunkOf(address: number): number {
    return address >>> this.chunkBits;
  }

  private startChunk(): void {
    const chunk = this.freed.pop() ?? this.chunks.length;
    if ((chunk + 1) * this.chunkSize > 2 ** 32) throw new RangeError('the serving index is over 4 GB');
    const buffer = Buffer.allocUnsafeSlow(this.chunkSize);
    this.chunks[chunk] = buffer;
    this.views[chunk] = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.filled[chunk] = 0;
    this.released[chunk] = 0;
    this.current = chunk;
  }
}
