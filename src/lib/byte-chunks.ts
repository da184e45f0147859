const encoder = new TextEncoder();

/**
 * Writes byte strings one after another into large shared chunks and hands each out as a view,
 * the way Node's Buffer pool does, on any runtime (Workers have no Buffer): building many small
 * byte strings then costs no allocation of its own per string, only a view.
 *
 * `begin()` starts a string, `bytes()`/`text()` append, `end()` returns it. The bytes of a string
 * handed out are never written again (the next one starts after it), so views stay valid for as
 * long as they are held; a chunk is freed when no view of it is left. When a string outgrows the
 * room left, what it has so far moves to a new chunk.
 */
export class ByteChunks {
  private chunk: Uint8Array<ArrayBuffer>;
  private start = 0;
  private at = 0;

  constructor(private readonly chunkSize = 64 * 1024) {
    this.chunk = new Uint8Array(chunkSize);
  }

  begin(): void {
    this.start = this.at;
  }

  /** One byte (an ASCII character's code). */
  byte(value: number): void {
    this.room(1);
    this.chunk[this.at++] = value;
  }

  bytes(piece: Uint8Array): void {
    this.room(piece.length);
    this.chunk.set(piece, this.at);
    this.at += piece.length;
  }

  /**
   * UTF-8 of `text` (lone surrogates become U+FFFD, as TextEncoder does); returns the bytes
   * written.
   */
  text(text: string): number {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.room(text.length * 3);
    const { written } = encoder.encodeInto(text, this.chunk.subarray(this.at));
    this.at += written;
    return written;
  }

  end(): Uint8Array<ArrayBuffer> {
    const written = this.chunk.subarray(this.start, this.at);
    this.start = this.at;
    return written;
  }

  /** The string so far and `more` bytes fit in one chunk: a new one when they do not here. */
  private room(more: number): void {
    if (this.at + more <= this.chunk.length) return;
    const sofar = this.chunk.subarray(this.start, this.at);
    this.chunk = new Uint8Array(Math.max(this.chunkSize, 2 * (sofar.length + more)));
    this.chunk.set(sofar);
    this.start = 0;
    this.at = sofar.length;
  }
}

/** `text` as UTF-8 bytes from `chunks` (one view; no allocation of its own). */
export function encodedIn(chunks: ByteChunks, text: string): Uint8Array<ArrayBuffer> {
  chunks.begin();
  chunks.text(text);
  return chunks.end();
}
