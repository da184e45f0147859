import type { ProfileFields } from './answer.js';

/**
 * A string as JSON.stringify writes it: quoted as it is when nothing in it needs escaping (quotes,
 * backslashes, control characters, surrogates), which is nearly always; JSON.stringify's own
 * answer otherwise. A send writes a dozen of these, and JSON.stringify on the whole profile object
 * cost 1.4 µs of a send's 4 µs answer assembly (docs/benchmarks.md, Ninth session).
 */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}

const jsonText = (text: string | null) => (text === null ? 'null' : jsonString(text));

/**
 * `JSON.stringify(fields)`, written field by field (the same text: a unit test compares them over
 * every field). A field added to ProfileFields must be added here too, in the same place.
 */
export function profileJson(fields: ProfileFields): string {
  let segments = '';
  // for…in visits keys in JSON.stringify's order (integer-like keys first).
  for (const group in fields.primarySegments) {
    segments += `${segments === '' ? '' : ','}${jsonString(group)}:${jsonString(fields.primarySegments[group]!)}`;
  }
  return (
    `{"id":${jsonText(fields.id)},"firstName":${jsonText(fields.firstName)},` +
    `"lastName":${jsonText(fields.lastName)},"primarySegment":${jsonText(fields.primarySegment)},` +
    `"primarySegments":{${segments}},"rfmGroup":${jsonText(fields.rfmGroup)},` +
    `"clvTier":${jsonText(fields.clvTier)},"cluster":${jsonText(fields.cluster)},` +
    `"lastViewedCategory":${jsonText(fields.lastViewedCategory)},` +
    `"cartItems":${Number.isFinite(fields.cartItems) ? fields.cartItems : 'null'}}`
  );
}
