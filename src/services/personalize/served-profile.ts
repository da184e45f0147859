import type { RecommendedItem } from '../../db/schema/recommendations.js';
import type { ProductSlot } from './product-slots.js';
import type { ProfileRow } from './profile-query.js';

/**
 * What the webhook needs of one profile, as a send uses it: what the serving index builds from a
 * held record, and what a database read is turned into. Text fields as read, the precomputed list
 * as the products' shared slots only (its scores only ordered it), the cart still as JSON (parsed
 * only for `cart_recovery`).
 */
export type ServedProfile = Omit<
  ProfileRow,
  'mergedInto' | 'deletedAt' | 'firstName' | 'lastName' | 'items' | 'confidence' | 'cartItems'
> & {
  firstName: string | null;
  lastName: string | null;
  /** The precomputed list's products, best first; null when none is stored. */
  items: readonly ProductSlot[] | null;
  confidence: number;
  /** The cart's JSON when it holds anything, else null. */
  cart: string | null;
  cartItems: number;
};

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/**
 * `productSlot` gives the slot each product shares (ServingCache.productSlot): lists point at
 * products rather than naming them.
 */
export function servedFromRow(row: ProfileRow, productSlot: (id: string) => ProductSlot): ServedProfile {
  return {
    id: row.id,
    firstName: textOrNull(row.firstName),
    lastName: textOrNull(row.lastName),
    items:
      row.items === null || row.level === null
        ? null
        : (JSON.parse(row.items) as RecommendedItem[]).map((item) => productSlot(item.productId)),
    level: row.level,
    confidence: row.confidence ?? 0,
    rfmGroup: row.rfmGroup,
    clvTier: row.clvTier,
    clusterId: row.clusterId,
    clusterLabel: row.clusterLabel,
    aov: row.aov,
    lastViewedCategory: row.lastViewedCategory,
    cart: row.cartItems ? row.cart : null,
    cartItems: row.cartItems ?? 0,
    segments: row.segments,
  };
}
