/**
 * Splits work so no statement binds more parameters than the database allows (D1: 100).
 * `perItem` is how many parameters one item binds (1 for an IN-list entry, the column count for
 * a row of a multi-row insert); `reserved` leaves room for the statement's other parameters.
 */
export function chunked<T>(items: readonly T[], paramLimit: number, perItem = 1, reserved = 0): T[][] {
  const size = Math.max(1, Math.floor((paramLimit - reserved) / perItem));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Like `chunked`, but every chunk has a power-of-two length (the tail is split 37 → 32 + 4 + 1).
 * The SQLite driver keeps each distinct statement text it has compiled; statements whose shape
 * depends on the batch size would otherwise make a new text, and native memory, every time.
 */
export function chunkedInBuckets<T>(
  items: readonly T[],
  paramLimit: number,
  perItem = 1,
  reserved = 0,
): T[][] {
  const max = Math.max(1, Math.floor((paramLimit - reserved) / perItem));
  let size = 1;
  while (size * 2 <= max) size *= 2;
  const chunks: T[][] = [];
  let i = 0;
  for (; size >= 1; size /= 2) {
    while (items.length - i >= size) {
      chunks.push(items.slice(i, i + size));
      i += size;
    }
  }
  return chunks;
}

/** An IN-list padded (with its last item again) to a power-of-two length, for the same reason. */
export function padToBucket<T>(items: readonly T[], max: number): T[] {
  if (items.length === 0) return [];
  let size = 1;
  while (size < items.length) size *= 2;
  const padded = items.slice();
  while (padded.length < Math.min(size, max)) padded.push(items[items.length - 1]!);
  return padded;
}

/** Runs a query per chunk of `keys` and concatenates the rows. */
export async function selectInChunks<K, R>(
  keys: readonly K[],
  paramLimit: number,
  query: (chunk: K[]) => Promise<R[]>,
  reserved = 0,
): Promise<R[]> {
  if (keys.length === 0) return [];
  const out: R[] = [];
  const max = Math.max(1, paramLimit - reserved);
  for (const chunk of chunked(keys, paramLimit, 1, reserved))
    out.push(...(await query(padToBucket(chunk, max))));
  return out;
}
