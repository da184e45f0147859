import type { RecommendedItem } from '../../db/schema/recommendations.js';
import type { ProductSlot } from './product-slots.js';
import type { ProfileRow } from './profile-query.js';

/**
 * What the webhook needs of one profile, in the form the serving index keeps in memory (and a
 * database read is turned into): text fields as read, the precomputed list as product ids only
 * (its scores only ordered it), the cart still as JSON (parsed only for `cart_recovery`).
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

/** Shares equal strings between profiles (a million profiles hold a few hundred distinct groups). */
export type Intern = (text: string) => string;
const asIs: Intern = (text) => text;

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/**
 * `productSlot` gives the slot each product shares (ServingCache.productSlot): lists point at
 * products rather than naming them.
 */
export function servedFromRow(
  row: ProfileRow,
  productSlot: (id: string) => ProductSlot,
  intern: Intern = asIs,
): ServedProfile {
  const shared = (value: string | null) => (value === null ? null : intern(value));
  return {
    id: row.id,
    firstName: shared(textOrNull(row.firstName)),
    lastName: shared(textOrNull(row.lastName)),
    items:
      row.items === null || row.level === null
        ? null
        : (JSON.parse(row.items) as RecommendedItem[]).map((item) => productSlot(item.productId)),
    level: row.level === null ? null : (intern(row.level) as ServedProfile['level']),
    confidence: row.confidence ?? 0,
    rfmGroup: shared(row.rfmGroup),
    clvTier: shared(row.clvTier),
    clusterId: shared(row.clusterId),
    clusterLabel: shared(row.clusterLabel),
    aov: row.aov,
    lastViewedCategory: shared(row.lastViewedCategory),
    cart: row.cartItems ? row.cart : null,
    cartItems: row.cartItems ?? 0,
    segments: shared(row.segments),
  };
}
