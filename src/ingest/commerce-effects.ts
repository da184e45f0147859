import type { CartItem } from '../db/schema/metrics.js';

/**
 * What a Segment e-commerce (v2) event means for orders, carts and browsing. Pure: the pipeline
 * writes the effects. https://segment.com/docs/connections/spec/ecommerce/v2/
 */
export interface OrderLine {
  productId?: string;
  sku?: string;
  name?: string;
  category?: string;
  price?: number;
  quantity: number;
}

export type CommerceEffect =
  | { kind: 'view'; productId: string; category?: string }
  | { kind: 'cart_add'; item: CartItem }
  | { kind: 'cart_remove'; productId: string; quantity: number }
  | { kind: 'cart_replace'; items: CartItem[] }
  | {
      kind: 'order';
      externalOrderId: string;
      total: number;
      currency: string;
      discount?: number;
      lines: OrderLine[];
    }
  | { kind: 'order_status'; externalOrderId: string; status: 'refunded' | 'cancelled' };

type Props = Record<string, unknown>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
const num = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function productIdOf(p: Props): string | undefined {
  return str(p.product_id) ?? str(p.sku) ?? str(p.id);
}

function cartItemOf(p: Props): CartItem | undefined {
  const productId = productIdOf(p);
  if (!productId) return undefined;
  return {
    productId,
    ...(str(p.name) ? { name: str(p.name)! } : {}),
    ...(str(p.category) ? { category: str(p.category)! } : {}),
    price: num(p.price) ?? 0,
    quantity: Math.max(1, Math.round(num(p.quantity) ?? 1)),
  };
}

function productsOf(p: Props): Props[] {
  return Array.isArray(p.products)
    ? p.products.filter((x): x is Props => typeof x === 'object' && x !== null)
    : [];
}

function orderOf(p: Props): CommerceEffect | undefined {
  const externalOrderId = str(p.order_id) ?? str(p.checkout_id);
  if (!externalOrderId) return undefined;
  const lines: OrderLine[] = productsOf(p).map((item) => ({
    ...(productIdOf(item) ? { productId: productIdOf(item)! } : {}),
    ...(str(item.sku) ? { sku: str(item.sku)! } : {}),
    ...(str(item.name) ? { name: str(item.name)! } : {}),
    ...(str(item.category) ? { category: str(item.category)! } : {}),
    ...(num(item.price) !== undefined ? { price: num(item.price)! } : {}),
    quantity: Math.max(1, Math.round(num(item.quantity) ?? 1)),
  }));
  const fromLines = lines.reduce((sum, line) => sum + (line.price ?? 0) * line.quantity, 0);
  // The spec's `revenue` excludes shipping and tax; `total` includes them. Customer value uses revenue.
  const total = num(p.revenue) ?? num(p.total) ?? num(p.value) ?? fromLines;
  const discount = num(p.discount);
  return {
    kind: 'order',
    externalOrderId,
    total,
    currency: (str(p.currency) ?? 'USD').toUpperCase(),
    ...(discount === undefined ? {} : { discount }),
    lines,
  };
}

/** The effects of one track event, by its Segment e-commerce name. */
export function commerceEffects(name: string | null | undefined, properties: Props): CommerceEffect[] {
  switch (name) {
    case 'Product Viewed':
    case 'Product Clicked': {
      const productId = productIdOf(properties);
      if (!productId) return [];
      const category = str(properties.category);
      return [{ kind: 'view', productId, ...(category ? { category } : {}) }];
    }
    case 'Product Added': {
      const item = cartItemOf(properties);
      return item ? [{ kind: 'cart_add', item }] : [];
    }
    case 'Product Removed': {
      const productId = productIdOf(properties);
      return productId
        ? [{ kind: 'cart_remove', productId, quantity: Math.max(1, num(properties.quantity) ?? 1) }]
        : [];
    }
    case 'Cart Viewed':
    case 'Checkout Started': {
      const items = productsOf(properties)
        .map(cartItemOf)
        .filter((item): item is CartItem => item !== undefined);
      return items.length ? [{ kind: 'cart_replace', items }] : [];
    }
    case 'Order Completed': {
      const order = orderOf(properties);
      return order ? [order] : [];
    }
    case 'Order Refunded':
    case 'Order Cancelled': {
      const externalOrderId = str(properties.order_id);
      if (!externalOrderId) return [];
      return [
        {
          kind: 'order_status',
          externalOrderId,
          status: name === 'Order Refunded' ? 'refunded' : 'cancelled',
        },
      ];
    }
    default:
      return [];
  }
}
