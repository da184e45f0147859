import { z } from '@hono/zod-openapi';
import { and, asc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { atomic } from '../db/atomic.js';
import { chunked, selectInChunks } from '../db/chunk.js';
import { products } from '../db/schema/index.js';
import { AppError, type FieldIssue, issuesToFields } from '../http/errors.js';

/** Most products one catalog call may upsert. */
export const MAX_PRODUCTS_PER_CALL = 1000;

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, 'must be at most 2048 characters');

const FIELDS = new Set([
  'id',
  'title',
  'url',
  'imageUrl',
  'price',
  'currency',
  'category',
  'inStock',
  'active',
  'properties',
]);
/** The CSV column names of two fields: sent in JSON they would land in properties unnoticed. */
const SNAKE_CASE_FIELDS: Record<string, string> = { image_url: 'imageUrl', in_stock: 'inStock' };

export const ProductInputSchema = z
  .object({
    id: z
      .string()
      .min(1, 'is required')
      .max(256, 'must be at most 256 characters')
      .refine((id) => id.trim() === id, 'must not start or end with spaces')
      .openapi({ example: 'sku-1042' }),
    title: z.string().trim().min(1, 'is required').max(1000).openapi({ example: 'Trail running shoe' }),
    url: httpUrl.nullish().openapi({ example: 'https://shop.example.com/p/sku-1042' }),
    imageUrl: httpUrl.nullish(),
    price: z.number().min(0, 'must be ≥ 0').nullish().openapi({ example: 129.9 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code: 3 uppercase letters, e.g. USD')
      .nullish()
      .openapi({ example: 'EUR' }),
    category: z.string().trim().min(1).max(500).nullish().openapi({ example: 'running/shoes' }),
    inStock: z.boolean().default(true),
    active: z.boolean().default(true).openapi({ description: 'false hides it from recommendations' }),
    properties: z
      .record(z.string(), z.unknown())
      .default({})
      .openapi({ description: 'Anything else; unknown top-level fields are kept here too' }),
  })
  .catchall(z.unknown())
  .superRefine((item, ctx) => {
    for (const key of Object.keys(item)) {
      if (FIELDS.has(key)) continue;
      const camel = SNAKE_CASE_FIELDS[key];
      if (camel) ctx.addIssue({ code: 'custom', path: [key], message: `use ${camel}` });
      else if (key in item.properties)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `'${key}' is also in properties: give it once`,
        });
    }
  })
  .transform(
    ({ id, title, url, imageUrl, price, currency, category, inStock, active, properties, ...extra }) => ({
      id,
      title,
      url: url ?? null,
      imageUrl: imageUrl ?? null,
      price: price ?? null,
      currency: currency ?? null,
      category: category ?? null,
      inStock,
      active,
      properties: { ...properties, ...extra },
    }),
  )
  .openapi('ProductInput', {
    description:
      'A whole product: fields left out are cleared (inStock and active default to true). ' +
      'Fields not listed here are kept in properties.',
  });
export type ProductInput = z.output<typeof ProductInputSchema>;

export type ProductCheck = { ok: true; product: ProductInput } | { ok: false; issues: FieldIssue[] };

/** Validates one product; issue paths start with `prefix` (e.g. `products.3`). */
export function checkProduct(input: unknown, prefix?: string): ProductCheck {
  const parsed = ProductInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, product: parsed.data };
  return { ok: false, issues: issuesToFields(parsed.error.issues, prefix) };
}

type ProductRow = typeof products.$inferSelect;

export function publicProduct(row: ProductRow) {
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    imageUrl: row.imageUrl,
    price: row.price,
    currency: row.currency,
    category: row.category,
    inStock: row.inStock,
    active: row.active,
    properties: row.properties,
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PublicProduct = ReturnType<typeof publicProduct>;

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

/**
 * Creates or replaces products, in input order (a later item with the same id wins). A product
 * identical to the stored one is left alone, so re-sending a catalog does not touch updatedAt.
 * One atomic batch, statements chunked to the parameter limit.
 */
export async function upsertProducts(deps: AppDeps, items: ProductInput[]): Promise<UpsertStatus[]> {
  if (items.length === 0) return [];
  const { db, sqlParamLimit } = deps;
  const ids = [...new Set(items.map((item) => item.id))];
  const stored = await selectInChunks(ids, sqlParamLimit, (chunk) =>
    db.select().from(products).where(inArray(products.id, chunk)),
  );
  const current = new Map<string, Omit<ProductRow, 'updatedAt'>>(stored.map((row) => [row.id, row]));
  const changed = new Map<string, ProductRow>();
  const now = deps.now();
  const statuses = items.map((item): UpsertStatus => {
    const before = current.get(item.id);
    current.set(item.id, item);
    if (before && sameProduct(before, item)) return 'unchanged';
    changed.set(item.id, { ...item, updatedAt: now });
    return before ? 'updated' : 'created';
  });
  const columns = Object.entries(getTableColumns(products));
  const writes = chunked([...changed.values()], sqlParamLimit, columns.length).map((chunk) =>
    db
      .insert(products)
      .values(chunk)
      .onConflictDoUpdate({
        target: products.id,
        // Every column from the new row: an upsert is a whole product.
        set: Object.fromEntries(
          columns
            .filter(([key]) => key !== 'id')
            .map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
        ),
      }),
  );
  await atomic(db, writes);
  return statuses;
}

function sameProduct(a: Omit<ProductRow, 'updatedAt'>, b: ProductInput): boolean {
  return (
    a.title === b.title &&
    a.url === b.url &&
    a.imageUrl === b.imageUrl &&
    a.price === b.price &&
    a.currency === b.currency &&
    a.category === b.category &&
    a.inStock === b.inStock &&
    a.active === b.active &&
    stableJson(a.properties) === stableJson(b.properties)
  );
}

/** JSON with object keys sorted, so equal properties compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : inner,
  );
}

export async function listProducts(
  deps: AppDeps,
  options: {
    limit: number;
    after?: string | undefined;
    category?: string | undefined;
    active?: boolean | undefined;
  },
) {
  const rows = await deps.db
    .select()
    .from(products)
    .where(
      and(
        options.category === undefined ? undefined : eq(products.category, options.category),
        options.active === undefined ? undefined : eq(products.active, options.active),
        options.after === undefined ? undefined : gt(products.id, options.after),
      ),
    )
    .orderBy(asc(products.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(publicProduct),
    nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function getProduct(deps: AppDeps, id: string): Promise<PublicProduct> {
  const [row] = await deps.db.select().from(products).where(eq(products.id, id));
  if (!row) throw new AppError('not_found', `product '${id}' does not exist`);
  return publicProduct(row);
}

/**
 * Soft delete: the product stays (orders and history refer to it) but is inactive, so
 * recommendations and feeds leave it out. Upserting it again makes it active.
 */
export async function deactivateProduct(deps: AppDeps, id: string): Promise<void> {
  const product = await getProduct(deps, id);
  if (!product.active) return;
  await deps.db.update(products).set({ active: false, updatedAt: deps.now() }).where(eq(products.id, id));
}
