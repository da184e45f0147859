import { z } from 'zod';
import type { CartItem } from '../db/schema/metrics.js';
import type { CommerceEffect } from './commerce-effects.js';

/** Engagement: weighted actions with exponential time decay (a half-life), weights by event name. */
export const engagementSettingsSchema = z.object({
  halfLifeDays: z.number().positive().default(30),
  weights: z.record(z.string(), z.number()).default({
    'Email Opened': 1,
    'Email Link Clicked': 3,
    'Product Viewed': 1,
    'Product Added': 3,
    'Cart Viewed': 1,
    'Checkout Started': 4,
    'Order Completed': 10,
    page: 0.5,
  }),
});
export type EngagementSettings = z.output<typeof engagementSettingsSchema>;
export const DEFAULT_ENGAGEMENT_SETTINGS: EngagementSettings = engagementSettingsSchema.parse({});

const DAY_MS = 86_400_000;

/** The metrics row without bookkeeping columns, as plain values (times in epoch ms). */
export interface MetricsState {
  orderCount: number;
  totalSpent: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  engagementScore: number;
  engagementAt: number | null;
  lastViewedProductId: string | null;
  lastViewedCategory: string | null;
  lastViewedAt: number | null;
  cart: CartItem[];
  cartUpdatedAt: number | null;
  eventCount: number;
  lastEventAt: number | null;
}

export function emptyMetrics(): MetricsState {
  return {
    orderCount: 0,
    totalSpent: 0,
    firstOrderAt: null,
    lastOrderAt: null,
    engagementScore: 0,
    engagementAt: null,
    lastViewedProductId: null,
    lastViewedCategory: null,
    lastViewedAt: null,
    cart: [],
    cartUpdatedAt: null,
    eventCount: 0,
    lastEventAt: null,
  };
}

export function averageOrderValue(m: MetricsState): number | null {
  return m.orderCount > 0 ? m.totalSpent / m.orderCount : null;
}

export function cartValue(cart: CartItem[]): number {
  return cart.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

/** The engagement score decayed to `at` (for reads: a stored score is "as of" engagementAt). */
export function engagementAt(
  m: Pick<MetricsState, 'engagementScore' | 'engagementAt'>,
  at: number,
  settings: EngagementSettings,
): number {
  if (m.engagementAt === null) return 0;
  return m.engagementScore * 2 ** (-(at - m.engagementAt) / (settings.halfLifeDays * DAY_MS));
}

/** An action adds its weight; events arriving out of order add their weight already decayed. */
function addEngagement(m: MetricsState, weight: number, at: number, settings: EngagementSettings): void {
  if (weight === 0) return;
  const halfLife = settings.halfLifeDays * DAY_MS;
  if (m.engagementAt === null) {
    m.engagementScore = weight;
    m.engagementAt = at;
  } else if (at >= m.engagementAt) {
    m.engagementScore = m.engagementScore * 2 ** (-(at - m.engagementAt) / halfLife) + weight;
    m.engagementAt = at;
  } else {
    m.engagementScore += weight * 2 ** (-(m.engagementAt - at) / halfLife);
  }
}

export interface MetricEvent {
  type: string;
  name: string | null;
  occurredAt: number;
  effects: CommerceEffect[];
  /** Order totals counted by the pipeline (only new orders count; a replayed order id is not new). */
  newOrders: Array<{ total: number; at: number }>;
}

/** Applies one stored event to the metrics (mutates and returns `m`). */
export function applyEvent(m: MetricsState, event: MetricEvent, settings: EngagementSettings): MetricsState {
  const at = event.occurredAt;
  m.eventCount += 1;
  m.lastEventAt = m.lastEventAt === null ? at : Math.max(m.lastEventAt, at);
  addEngagement(m, settings.weights[event.name ?? event.type] ?? 0, at, settings);

  for (const order of event.newOrders) {
    m.orderCount += 1;
    m.totalSpent += order.total;
    m.firstOrderAt = m.firstOrderAt === null ? order.at : Math.min(m.firstOrderAt, order.at);
    m.lastOrderAt = m.lastOrderAt === null ? order.at : Math.max(m.lastOrderAt, order.at);
  }
  // A cart change older than the cart's last change would rewind it; ignore such stragglers.
  const cartCurrent = m.cartUpdatedAt === null || at >= m.cartUpdatedAt;
  for (const effect of event.effects) {
    switch (effect.kind) {
      case 'view':
        if (m.lastViewedAt === null || at >= m.lastViewedAt) {
          m.lastViewedProductId = effect.productId;
          m.lastViewedCategory = effect.category ?? null;
          m.lastViewedAt = at;
        }
        break;
      case 'cart_add':
        if (cartCurrent) {
          const existing = m.cart.find((item) => item.productId === effect.item.productId);
          m.cart = existing
            ? m.cart.map((item) =>
                item === existing ? { ...item, quantity: item.quantity + effect.item.quantity } : item,
              )
            : [...m.cart, effect.item];
          m.cartUpdatedAt = at;
        }
        break;
      case 'cart_remove':
        if (cartCurrent) {
          m.cart = m.cart
            .map((item) =>
              item.productId === effect.productId
                ? { ...item, quantity: item.quantity - effect.quantity }
                : item,
            )
            .filter((item) => item.quantity > 0);
          m.cartUpdatedAt = at;
        }
        break;
      case 'cart_replace':
        if (cartCurrent) {
          m.cart = effect.items;
          m.cartUpdatedAt = at;
        }
        break;
      case 'order':
        // A completed order closes the cart it came from.
        if (cartCurrent) {
          m.cart = [];
          m.cartUpdatedAt = at;
        }
        break;
      case 'order_status':
        break;
    }
  }
  return m;
}

/** Order totals from stored orders (used for recomputes: refunds and cancellations do not count). */
export function applyOrders(
  m: MetricsState,
  orders: Array<{ total: number; at: number; status: string }>,
): MetricsState {
  m.orderCount = 0;
  m.totalSpent = 0;
  m.firstOrderAt = null;
  m.lastOrderAt = null;
  for (const order of orders) {
    if (order.status !== 'completed') continue;
    m.orderCount += 1;
    m.totalSpent += order.total;
    m.firstOrderAt = m.firstOrderAt === null ? order.at : Math.min(m.firstOrderAt, order.at);
    m.lastOrderAt = m.lastOrderAt === null ? order.at : Math.max(m.lastOrderAt, order.at);
  }
  return m;
}
