import type { TermFrequencyTable } from './model.js';
import type { PreparedField } from './prepare.js';

/**
 * Term frequencies: how common each value of a field is. Two records agreeing on a value that
 * p of all records carry agree by chance with probability about p, so p replaces the field's
 * average u for that exact agreement (Winkler's frequency-based matching; Splink's tf adjustment).
 */
export function termFrequencyTable(field: PreparedField): TermFrequencyTable {
  const counts = new Map<string, number>();
  let total = 0;
  for (const value of field.values) {
    if (value === null) continue;
    total++;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const repeated: Record<string, number> = {};
  for (const [value, count] of counts) if (count >= 2) repeated[value] = count;
  return { total, counts: repeated };
}

/** Lookup of a value's u (its share of records), floored at `minU`. */
export function termFrequencyLookup(table: TermFrequencyTable, minU: number): (value: string) => number {
  const counts = new Map(Object.entries(table.counts));
  const total = Math.max(1, table.total);
  return (value) => Math.max(minU, (counts.get(value) ?? 1) / total);
}
