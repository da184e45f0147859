import { fromBase64, toBase64Url } from './encoding.js';

/**
 * AES-256-GCM encryption of connection secrets at rest (Web Crypto: Node and Workers alike).
 * Stored form: `v1.<iv>.<ciphertext+tag>` in base64url; the version leaves room for key rotation.
 */
export interface SecretBox {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

const VERSION = 'v1';
const IV_BYTES = 12;

/** Parses `ESP_HUB_SECRET_KEY`: 32 bytes as base64 / base64url (44 or 43 chars) or 64 hex chars. */
export function parseSecretKey(text: string): Uint8Array<ArrayBuffer> | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(trimmed.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return undefined;
  const bytes = fromBase64(trimmed);
  return bytes.length === 32 ? bytes : undefined;
}

export function generateSecretKey(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function createSecretBox(rawKey: Uint8Array<ArrayBuffer>): Promise<SecretBox> {
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async seal(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const data = new TextEncoder().encode(plaintext);
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data));
      return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(sealed)}`;
    },
    async open(sealed) {
      const [version, iv, body] = sealed.split('.');
      if (version !== VERSION || !iv || !body) throw new Error('sealed secret has an unknown format');
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(iv) },
        key,
        fromBase64(body),
      );
      return new TextDecoder().decode(plain);
    },
  };
}
