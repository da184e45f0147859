import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ORDER_STATUSES = ['completed', 'refunded', 'cancelled'] as const;

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    /** The order id in the source system; unique per source so a replayed order is stored once. */
    externalOrderId: text('external_order_id').notNull(),
    profileId: text('profile_id').notNull(),
    originProfileId: text('origin_profile_id').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    /** Revenue as the Segment spec defines it (after discounts, before shipping and tax) when given, else total. */
    total: real('total').notNull(),
    currency: text('currency').notNull(),
    discount: real('discount'),
    orderedAt: integer('ordered_at', { mode: 'timestamp_ms' }).notNull(),
    properties: text('properties_json', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default({}),
  },
  (table) => [
    uniqueIndex('orders_source_external_unique').on(table.source, table.externalOrderId),
    index('orders_profile_time_idx').on(table.profileId, table.orderedAt),
  ],
);

export const orderLines = sqliteTable(
  'order_lines',
  {
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    productId: text('product_id'),
    sku: text('sku'),
    name: text('name'),
    category: text('category'),
    price: real('price'),
    quantity: integer('quantity').notNull().default(1),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.lineNo] }),
    index('order_lines_product_idx').on(table.productId),
  ],
);

/** The product catalog recommendations and merge fields draw from. */
export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    url: text('url'),
    imageUrl: text('image_url'),
    price: real('price'),
    currency: text('currency'),
    category: text('category'),
    inStock: integer('in_stock', { mode: 'boolean' }).notNull().default(true),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    properties: text('properties_json', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default({}),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('products_category_idx').on(table.category)],
);
