import { cellValue } from './fit.js';
import type { InteractionRow } from './interactions.js';
import type { ProfileCell } from './personal-scorer.js';
import type { ServingSettings } from './settings.js';

/** One profile's interactions as the scoring needs them. */
export interface ProfileInput {
  /** Summed value per product: the profile's row of the matrix. */
  cells: ProfileCell[];
  /** Product → latest purchase (epoch ms), for the "bought in the last N days" rule. */
  purchases: Map<string, number>;
  /** Viewed or put in the cart: left out when `excludeBrowsed`. */
  browsed: Set<string>;
}

export function profileInput(
  rows: readonly InteractionRow[],
  settings: ServingSettings,
  now: number,
): ProfileInput {
  const values = new Map<string, number>();
  const purchases = new Map<string, number>();
  const browsed = new Set<string>();
  for (const row of rows) {
    values.set(row.productId, (values.get(row.productId) ?? 0) + cellValue(row, settings, now));
    if (row.type === 'purchase')
      purchases.set(row.productId, Math.max(purchases.get(row.productId) ?? 0, row.at));
    else browsed.add(row.productId);
  }
  const cells: ProfileCell[] = [];
  for (const [productId, value] of values) cells.push({ productId, value });
  return { cells, purchases, browsed };
}
