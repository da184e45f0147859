import { describe, expect, it } from 'vitest';
import { ByteChunks, encodedIn } from '../../src/lib/byte-chunks.js';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('ByteChunks', () => {
  it('writes bytes, single bytes and UTF-8 text one after another', () => {
    const chunks = new ByteChunks(64);
    chunks.begin();
    chunks.bytes(new TextEncoder().encode('{"a":'));
    chunks.text('"Zoë ☕ 😀"');
    chunks.byte(0x7d);
    expect(decode(chunks.end())).toBe('{"a":"Zoë ☕ 😀"}');
  });

  it('keeps what it handed out intact while it writes on', () => {
    const chunks = new ByteChunks(256);
    const held = Array.from({ length: 50 }, (_, i) => encodedIn(chunks, `piece ${i} é`));
    held.forEach((bytes, i) => {
      expect(decode(bytes)).toBe(`piece ${i} é`);
    });
    // Neighbours share a chunk rather than each having a buffer of its own.
    expect(held[0]!.buffer).toBe(held[1]!.buffer);
  });

  it('moves a string that outgrows its chunk, and takes strings larger than a chunk', () => {
    const chunks = new ByteChunks(16);
    const first = encodedIn(chunks, 'abcdefghij');
    chunks.begin();
    chunks.text('0123456789');
    chunks.text('x'.repeat(40));
    chunks.bytes(new Uint8Array([0x21]));
    const second = chunks.end();
    expect(decode(second)).toBe(`0123456789${'x'.repeat(40)}!`);
    expect(decode(first)).toBe('abcdefghij');
  });

  it('writes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    const chunks = new ByteChunks();
    expect(encodedIn(chunks, 'a\ud800b')).toEqual(new TextEncoder().encode('a\ud800b'));
  });
});
