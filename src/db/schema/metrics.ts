import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface CartItem {
  productId: string;
  name?: string;
  category?: string;
  price: number;
  quantity: number;
}

/**
 * Per-profile metrics, kept current on every event and order (and recomputed from the records
 * after a merge or unmerge). Segments and merge fields read these, not the raw events.
 */
export const profileMetrics = sqliteTable('profile_metrics', {
  profileId: text('profile_id').primaryKey(),
  orderCount: integer('order_count').notNull().default(0),
  totalSpent: real('total_spent').notNull().default(0),
  averageOrderValue: real('average_order_value'),
  firstOrderAt: integer('first_order_at', { mode: 'timestamp_ms' }),
  lastOrderAt: integer('last_order_at', { mode: 'timestamp_ms' }),
  /** Decayed sum of weighted actions, as of `engagementAt` (decay continues from there). */
  engagementScore: real('engagement_score').notNull().default(0),
  engagementAt: integer('engagement_at', { mode: 'timestamp_ms' }),
  lastViewedProductId: text('last_viewed_product_id'),
  lastViewedCategory: text('last_viewed_category'),
  lastViewedAt: integer('last_viewed_at', { mode: 'timestamp_ms' }),
  cart: text('cart_json', { mode: 'json' }).$type<CartItem[]>().notNull().default([]),
  cartValue: real('cart_value').notNull().default(0),
  cartUpdatedAt: integer('cart_updated_at', { mode: 'timestamp_ms' }),
  eventCount: integer('event_count').notNull().default(0),
  lastEventAt: integer('last_event_at', { mode: 'timestamp_ms' }),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});
