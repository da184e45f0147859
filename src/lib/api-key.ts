import { toBase64Url, toHex } from './encoding.js';

/** API keys: `ehk_` + 32 random bytes. Only the SHA-256 hash is stored; the key is shown once. */
export const API_KEY_PREFIX = 'ehk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return toHex(new Uint8Array(digest));
}

/** What admins see to tell keys apart: the prefix and the first characters, never enough to use. */
export function apiKeyHint(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 6)}…`;
}
