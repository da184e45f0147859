import { type CompiledNode, type ConjunctionPart, conjunctionChange, leaf } from './compiled-node.js';
import { compileNumberTest, inWindow, unitText, windowLength } from './event-match.js';
import type { CartNode, RuleWindow } from './schema.js';
import type { ProfileSnapshot } from './snapshot.js';

interface CartCheck extends ConjunctionPart {
  detail(snapshot: ProfileSnapshot, now: number): string;
}

const itemCountOf = (snapshot: ProfileSnapshot): number => {
  let count = 0;
  for (const item of snapshot.cart.items) count += item.quantity;
  return count;
};

/**
 * Open-cart conditions, all of which must hold; a cart without items is no open cart, so even
 * `{ type: 'cart' }` alone means "has an open cart". A cart with items but no `updatedAt` counts
 * as last touched long ago.
 */
export function compileCart(node: CartNode, path: string): CompiledNode {
  const checks: CartCheck[] = [{ test: (snapshot) => snapshot.cart.items.length > 0, detail: describeItems }];
  if (node.value) {
    const ok = compileNumberTest(node.value);
    checks.push({
      test: (snapshot) => ok(snapshot.cart.value),
      detail: (snapshot) => `cart value = ${snapshot.cart.value} ${ok.text}`,
    });
  }
  if (node.itemCount) {
    const ok = compileNumberTest(node.itemCount);
    checks.push({
      test: (snapshot) => ok(itemCountOf(snapshot)),
      detail: (snapshot) => `cart item count = ${itemCountOf(snapshot)} ${ok.text}`,
    });
  }
  if (node.containsProduct !== undefined) {
    const productId = node.containsProduct;
    const has = (snapshot: ProfileSnapshot) => {
      for (const item of snapshot.cart.items) if (item.productId === productId) return true;
      return false;
    };
    checks.push({
      test: has,
      detail: (snapshot) => `cart ${has(snapshot) ? 'contains' : 'does not contain'} product ${productId}`,
    });
  }
  if (node.containsCategory !== undefined) {
    const category = node.containsCategory.toLowerCase();
    const has = (snapshot: ProfileSnapshot) => {
      for (const item of snapshot.cart.items) if (item.category?.toLowerCase() === category) return true;
      return false;
    };
    checks.push({
      test: has,
      detail: (snapshot) =>
        `cart ${has(snapshot) ? 'contains' : 'does not contain'} category ${node.containsCategory}`,
    });
  }
  if (node.updatedWithin) checks.push(ageCheck(node.updatedWithin, true));
  if (node.notUpdatedWithin) checks.push(ageCheck(node.notUpdatedWithin, false));

  const count = checks.length;
  return leaf('cart', path, {
    test: (snapshot, now) => {
      for (let i = 0; i < count; i++) if (!checks[i]!.test(snapshot, now)) return false;
      return true;
    },
    detail: (snapshot, now) => checks.map((check) => check.detail(snapshot, now)).join('; '),
    nextChange: (snapshot, now) => conjunctionChange(checks, snapshot, now),
  });
}

function describeItems(snapshot: ProfileSnapshot): string {
  const lines = snapshot.cart.items.length;
  return lines === 0 ? 'no open cart' : `open cart with ${lines} line${lines === 1 ? '' : 's'}`;
}

/** Last touched within the window (`updatedWithin`) or not (`notUpdatedWithin`); flips at updatedAt + W. */
function ageCheck(window: RuleWindow, within: boolean): CartCheck {
  const length = windowLength(window);
  const span = unitText(window.last, window.unit);
  const touchedWithin = (updatedAt: number | null, now: number) =>
    updatedAt !== null && inWindow(updatedAt, now, length);
  return {
    test: (snapshot, now) => touchedWithin(snapshot.cart.updatedAt, now) === within,
    detail: (snapshot, now) => {
      const { updatedAt } = snapshot.cart;
      const age = updatedAt === null ? 'never' : `${((now - updatedAt) / 3_600_000).toFixed(1)} hours ago`;
      return `cart last updated ${age}; wanted ${within ? 'within' : 'not within'} the last ${span}`;
    },
    nextChange: (snapshot, now) => {
      const { updatedAt } = snapshot.cart;
      if (updatedAt === null) return null;
      if (updatedAt > now) return updatedAt;
      return updatedAt + length > now ? updatedAt + length : null;
    },
  };
}
