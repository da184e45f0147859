const CHUNK_BITS = 24;
/** 16 MB: a million profiles fill about a dozen. */
export const CHUNK_SIZE = 1 << CHUNK_BITS;
const MAX_CHUNKS = 256;

/**
 * Append-only bytes for the serving index, in 16 MB Buffers outside the JavaScript heap.
 *
 * Why not objects: V8's young-generation collection walks the list of every old-generation page
 * (one cache and TLB miss per 256 KB page), so a million profiles held as objects (about 700 MB)
 * made each of the webhook's scavenges cost about 2 ms whatever it collected, several times a
 * second under load (docs/benchmarks.md, seventh session). Bytes in Buffers are not pages of the
 * heap.
 *
 * An address is `chunk << 24 | offset` (below 2^32: at most 256 chunks, 4 GB). A record never
 * spans two chunks. Space given up (`release`) is reclaimed by copying the live records into a
 * new arena (ProfileIndex.compact).
 */
export class ByteArena {
  private readonly chunks: Buffer[] = [];
  private readonly views: DataView[] = [];
  private used = CHUNK_SIZE;
  liveBytes = 0;
  deadBytes = 0;

  /** Room for `size` bytes; returns its address. */
  reserve(size: number): number {
    if (size > CHUNK_SIZE) throw new RangeError(`a record of ${size} bytes is over ${CHUNK_SIZE}`);
    if (this.used + size > CHUNK_SIZE) {
      if (this.chunks.length >= MAX_CHUNKS) throw new RangeError('the serving index is over 4 GB');
      const chunk = Buffer.allocUnsafeSlow(CHUNK_SIZE);
      this.chunks.push(chunk);
      this.views.push(new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.used = 0;
    }
    const address = (this.chunks.length - 1) * CHUNK_SIZE + this.used;
    this.used += size;
    this.liveBytes += size;
    return address;
  }

  /** Counts `size` bytes as no longer used (their record was replaced or evicted). */
  release(size: number): void {
    this.liveBytes -= size;
    this.deadBytes += size;
  }

  bytes(address: number): Buffer {
    return this.chunks[address >>> CHUNK_BITS]!;
  }

  view(address: number): DataView {
    return this.views[address >>> CHUNK_BITS]!;
  }

  /** Bytes allocated (what the arena adds to the process's memory once touched). */
  get byteLength(): number {
    return this.chunks.length * CHUNK_SIZE;
  }
}

/** Where `address` starts inside its chunk. */
export const offsetOf = (address: number): number => address & (CHUNK_SIZE - 1);
