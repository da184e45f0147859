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

/** Runs a query per chunk of `keys` and concatenates the rows. */
export async function selectInChunks<K, R>(
  keys: readonly K[],
  paramLimit: number,
  query: (chunk: K[]) => Promise<R[]>,
  reserved = 0,
): Promise<R[]> {
  if (keys.length === 0) return [];
  const out: R[] = [];
  for (const chunk of chunked(keys, paramLimit, 1, reserved)) out.push(...(await query(chunk)));
  return out;
}
