/**
 * American Soundex (the variant of the US census indexes: H and W do not separate equal codes).
 * Used for blocking keys: names that sound alike ("smith", "smyth") land in the same block even
 * when no single spelling agrees, which a prefix key misses when the typo is early.
 */

// Letter codes for a..z; 0 = vowel-like (separates equal codes), 9 = H/W (does not separate).
const CODES = '01230129022455012623019202';

export function soundex(value: string): string {
  let out = '';
  let last = -1;
  for (let i = 0; i < value.length && out.length < 4; i++) {
    let code = value.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code < 97 || code > 122) continue;
    const digit = CODES.charCodeAt(code - 97) - 48;
    if (out.length === 0) {
      out = String.fromCharCode(code - 32);
      last = digit;
      continue;
    }
    if (digit === 9) continue;
    if (digit !== 0 && digit !== last) out += String(digit);
    last = digit;
  }
  if (out.length === 0) return '';
  return out.padEnd(4, '0');
}
