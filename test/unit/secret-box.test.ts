import { describe, expect, it } from 'vitest';
import { createSecretBox, generateSecretKey, parseSecretKey } from '../../src/lib/secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  it('round-trips and never produces the same ciphertext twice', async () => {
    const box = await createSecretBox(parseSecretKey(generateSecretKey())!);
    const a = await box.seal('{"apiKey":"sk-123"}');
    const b = await box.seal('{"apiKey":"sk-123"}');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk-123');
    expect(await box.open(a)).toBe('{"apiKey":"sk-123"}');
  });

  it('refuses tampered ciphertext and the wrong key', async () => {
    const box = await createSecretBox(parseSecretKey(generateSecretKey())!);
    const sealed = await box.seal('secret');
    const [version, iv, body] = sealed.split('.');
    // The second-to-last character always carries tag bits; it is replaced by a different one.
    const replaced = body!.at(-2) === 'A' ? 'B' : 'A';
    const flipped = `${version}.${iv}.${body!.slice(0, -2)}${replaced}${body!.slice(-1)}`;
    await expect(box.open(flipped)).rejects.toThrow();
    const other = await createSecretBox(parseSecretKey(generateSecretKey())!);
    await expect(other.open(sealed)).rejects.toThrow();
    await expect(box.open('plain text')).rejects.toThrow(/unknown format/);
  });

  it('accepts 32-byte keys as base64, base64url or hex and nothing else', () => {
    expect(parseSecretKey(generateSecretKey())).toHaveLength(32);
    expect(parseSecretKey(`${'ab'.repeat(32)}`)).toHaveLength(32);
    expect(parseSecretKey(btoa('x'.repeat(32)))).toHaveLength(32);
    expect(parseSecretKey('too-short')).toBeUndefined();
    expect(parseSecretKey(btoa('x'.repeat(31)))).toBeUndefined();
  });
});
