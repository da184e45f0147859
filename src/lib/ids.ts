/** Prefixed, sortable-enough, unguessable ids: `prof_…`, `conn_…`, `run_…`. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export const ID_PREFIXES = [
  'conn',
  'key',
  'aud',
  'prof',
  'idn',
  'evt',
  'ord',
  'mrg',
  'rev',
  'cfl',
  'del',
  'run',
  'sync',
  'seg',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

export function newId(prefix: IdPrefix): string {
  // Time first so ids sort roughly by creation, then 16 random chars (~82 bits).
  const time = Date.now().toString(36).padStart(9, '0');
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${time}${random}`;
}
