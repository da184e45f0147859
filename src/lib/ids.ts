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
  'sup',
  'rcp',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const RANDOM_CHARS = 16;
// Ingest makes ids by the thousand; one getRandomValues call per id dominated its cost, so
// random bytes are drawn in blocks and handed out in slices.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

function randomBytes(n: number): Uint8Array {
  if (offset + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + n);
  offset += n;
  return slice;
}

export function newId(prefix: IdPrefix): string {
  // Time first so ids sort roughly by creation, then 16 random chars (~82 bits).
  const time = Date.now().toString(36).padStart(9, '0');
  let random = '';
  for (const byte of randomBytes(RANDOM_CHARS)) random += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${time}${random}`;
}
