/**
 * FNV-1a (32-bit) over UTF-16 code units: a fast, stable, non-cryptographic hash for the seeds
 * that make answers deterministic (the same profile and send always get the same order).
 */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A 32-bit hash of a whole response body for its ETag, two code units per step (half the work of
 * FNV-1a on a 2 KB answer, which runs on every send). An ETag is compared only with earlier ETags
 * of the same URL, so 32 bits plus the length make an accidental match negligible. `seed` chains
 * it after other parts of the same body.
 */
export function bodyHash(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  const pairs = text.length - (text.length % 2);
  for (let i = 0; i < pairs; i += 2) {
    hash ^= text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    hash = Math.imul(hash, 0x01000193);
    hash ^= hash >>> 15;
  }
  if (pairs < text.length) hash = Math.imul(hash ^ text.charCodeAt(pairs), 0x01000193);
  return hash >>> 0;
}

/** Mixes a 32-bit value into a running hash (FNV step plus a shift, so order matters). */
export function mixHash(hash: number, value: number): number {
  const mixed = Math.imul(hash ^ value, 0x01000193);
  return (mixed ^ (mixed >>> 15)) >>> 0;
}

const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

/** Mixes a number in by its 64 bits (exact: two numbers written differently never mix the same). */
export function mixNumber(hash: number, value: number): number {
  numberBits[0] = value;
  return mixHash(mixHash(hash, numberWords[0]!), numberWords[1]!);
}

/**
 * bodyHash's counterpart over bytes `from`…`to` of `bytes`, four bytes per step: text already
 * encoded is hashed where it lies (a string built of pieces would be walked through its pieces).
 */
export function bytesHash(bytes: Uint8Array, from: number, to: number, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    hash ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    hash = Math.imul(hash, 0x01000193);
    hash ^= hash >>> 15;
  }
  for (; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}
