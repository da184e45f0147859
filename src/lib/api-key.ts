import { sha256Hex, toBase64Url } from './encoding.js';

/** API keys: `ehk_` + 32 random bytes. Only the SHA-256 hash is stored; the key is shown once. */
export const API_KEY_PREFIX = 'ehk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** What admins see to tell keys apart: the prefix and the first characters, never enough to use. */
export function apiKeyHint(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 6)}…`;
}
