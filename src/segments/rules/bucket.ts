/**
 * Deterministic bucket 0..99 of a profile for a seed: FNV-1a (32-bit) over the UTF-8 bytes of
 * `${seed}:${profileId}`, unsigned, modulo 100. Stable across runs, processes and machines, and
 * independent between seeds, so two experiments with different seeds split profiles differently.
 * Reference: bucket('holdout-1', 'prof_1') === fnv1a32(utf8('holdout-1:prof_1')) % 100.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
}

/** Feeds the UTF-8 encoding of `text` into the hash without building a byte array. */
function fnvString(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) h = fnvByte(h, code);
    else if (code < 0x800) {
      h = fnvByte(h, 0xc0 | (code >> 6));
      h = fnvByte(h, 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
      const unit = code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
      h = fnvByte(h, 0xe0 | (unit >> 12));
      h = fnvByte(h, 0x80 | ((unit >> 6) & 0x3f));
      h = fnvByte(h, 0x80 | (unit & 0x3f));
    } else {
      h = fnvByte(h, 0xf0 | (code >> 18));
      h = fnvByte(h, 0x80 | ((code >> 12) & 0x3f));
      h = fnvByte(h, 0x80 | ((code >> 6) & 0x3f));
      h = fnvByte(h, 0x80 | (code & 0x3f));
    }
  }
  return h;
}

/** A bucket function for one seed: the seed's part of the hash is computed once. */
export function bucketerFor(seed: string): (profileId: string) => number {
  const seeded = fnvString(FNV_OFFSET, `${seed}:`);
  return (profileId) => fnvString(seeded, profileId) % 100;
}

export function randomBucket(seed: string, profileId: string): number {
  return bucketerFor(seed)(profileId);
}

/** The plain definition, over bytes, for checking the streaming one against. */
export function fnv1a32(bytes: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (const byte of bytes) hash = fnvByte(hash, byte);
  return hash;
}
