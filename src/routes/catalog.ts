import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { requireAnyPermission, requirePermission } from '../http/auth.js';
import type { FieldIssue } from '../http/errors.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import {
  checkProduct,
  deactivateProduct,
  getProduct,
  listProducts,
  MAX_PRODUCTS_PER_CALL,
  type ProductInput,
  ProductInputSchema,
  upsertProducts,
} from '../services/catalog.js';

const ProductSchema = z
  .object({
    id: z.string().openapi({ example: 'sku-1042' }),
    title: z.string(),
    url: z.string().nullable(),
    imageUrl: z.string().nullable(),
    price: z.number().nullable(),
    currency: z.string().nullable(),
    category: z.string().nullable(),
    inStock: z.boolean(),
    active: z.boolean(),
    properties: z.record(z.string(), z.unknown()),
    updatedAt: z.string(),
  })
  .openapi('Product');

const UpsertResultSchema = z
  .object({
    index: z.number().int().openapi({ description: 'Position in the request' }),
    id: z.string().optional(),
    status: z.enum(['created', 'updated', 'unchanged', 'rejected']),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: 'products.3.price' }), message: z.string() }))
      .optional(),
  })
  .openapi('ProductUpsertResult');

const UpsertResponseSchema = z
  .object({
    summary: z.object({
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.number().int(),
    }),
    results: z.array(UpsertResultSchema),
  })
  .openapi('ProductUpsertResponse');

// Items are validated one by one in the handler so one bad product does not refuse the others;
// the OpenAPI document still shows the product schema.
const UpsertBodySchema = z.object({
  products: z
    .array(z.unknown())
    .min(1, 'give at least one product')
    .max(MAX_PRODUCTS_PER_CALL, `at most ${MAX_PRODUCTS_PER_CALL} products per call`)
    .openapi({ items: { $ref: '#/components/schemas/ProductInput' } }),
});

const IdParams = z.object({ id: z.string().min(1).max(256).openapi({ example: 'sku-1042' }) });

const read = requirePermission('admin:read');
// Catalog feeds come from the same systems that send events, so an ingest key may write too.
const write: MiddlewareHandler<AppEnv> = requireAnyPermission('ingest:write', 'admin:write');
const base = { tags: ['catalog'], security: bearerSecurity };

export const catalogRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/v1/catalog/products',
      summary: `Create or replace up to ${MAX_PRODUCTS_PER_CALL} products`,
      description:
        'Each product is validated on its own: valid ones are stored, invalid ones come back ' +
        "'rejected' with the path of each bad field (products.3.price). A product identical to the " +
        "stored one is 'unchanged'. Later items win over earlier ones with the same id.",
      middleware: write,
      request: { body: { required: true, content: { 'application/json': { schema: UpsertBodySchema } } } },
      responses: {
        200: json(UpsertResponseSchema, 'A result per product, in request order'),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { products } = c.req.valid('json');
      const results: Array<z.infer<typeof UpsertResultSchema>> = [];
      const valid: Array<{ index: number; product: ProductInput }> = [];
      products.forEach((item, index) => {
        const checked = checkProduct(item, `products.${index}`);
        if (checked.ok) valid.push({ index, product: checked.product });
        else results[index] = rejectedItem(index, item, checked.issues);
      });
      const statuses = await upsertProducts(
        c.get('deps'),
        valid.map(({ product }) => product),
      );
      valid.forEach(({ index, product }, i) => {
        results[index] = { index, id: product.id, status: statuses[i]! };
      });
      const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
      for (const result of results) summary[result.status]++;
      return c.json({ summary, results }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/catalog/products',
      summary: 'List products by id',
      middleware: read,
      request: {
        query: z.object({
          category: z.string().min(1).optional(),
          active: z
            .enum(['true', 'false', 'all'])
            .default('true')
            .openapi({ description: 'Deleted (inactive) products are left out unless asked for' }),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional().openapi({ description: 'nextCursor of the previous page' }),
        }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(ProductSchema), nextCursor: z.string().nullable() }),
          'A page of products',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { category, active, limit, cursor } = c.req.valid('query');
      const page = await listProducts(c.get('deps'), {
        limit,
        after: cursor,
        category,
        active: active === 'all' ? undefined : active === 'true',
      });
      return c.json(page, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/catalog/products/{id}',
      summary: 'Get one product (deleted ones too, with active false)',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(ProductSchema, 'The product'), ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => c.json(await getProduct(c.get('deps'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/catalog/products/{id}',
      summary: 'Delete a product: it becomes inactive, kept for the orders that refer to it',
      middleware: write,
      request: { params: IdParams },
      responses: { 204: { description: 'Deactivated' }, ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => {
      await deactivateProduct(c.get('deps'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

function rejectedItem(index: number, item: unknown, errors: FieldIssue[]) {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return { index, ...(typeof id === 'string' ? { id } : {}), status: 'rejected' as const, errors };
}

// Registered here so the $ref above resolves in /openapi.json.
catalogRoutes.openAPIRegistry.register('ProductInput', ProductInputSchema);
