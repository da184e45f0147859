import { createRoute, z } from '@hono/zod-openapi';
import { API_KEY_ROLES } from '../db/schema/index.js';
import { forgetCachedKeys, requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses } from '../http/router.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.js';
import { auditActor } from './admin-connections.js';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    hint: z.string().openapi({ example: 'ehk_AbC123…' }),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const manage = requirePermission('keys:manage');
const base = { tags: ['api keys'], security: bearerSecurity, middleware: manage };
const IdParams = z.object({ id: z.string().regex(/^key_[a-z0-9]+$/, 'must be an API key id (key_…)') });

export const apiKeyRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/api-keys',
      summary: 'Create an API key; the key is in this response only',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ name: z.string().trim().min(1).max(100), role: z.enum(API_KEY_ROLES) }),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Created; store `key` now, it is not shown again',
          content: { 'application/json': { schema: z.object({ key: z.string(), apiKey: ApiKeySchema }) } },
        },
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { key, record } = await createApiKey(deps.db, auditActor(c), c.req.valid('json'), deps.now());
      c.header('Cache-Control', 'no-store');
      return c.json({ key, apiKey: record }, 201);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/api-keys',
      summary: 'List API keys (never the keys themselves)',
      request: { query: z.object({ includeRevoked: z.enum(['true', 'false']).default('false') }) },
      responses: {
        200: {
          description: 'Keys',
          content: { 'application/json': { schema: z.object({ items: z.array(ApiKeySchema) }) } },
        },
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const includeRevoked = c.req.valid('query').includeRevoked === 'true';
      return c.json({ items: await listApiKeys(c.get('deps').db, { includeRevoked }) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/api-keys/{id}/revoke',
      summary: 'Revoke a key (takes effect at once on this instance, within 10 s everywhere)',
      request: { params: IdParams },
      responses: {
        200: { description: 'Revoked', content: { 'application/json': { schema: ApiKeySchema } } },
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const revoked = await revokeApiKey(deps.db, auditActor(c), c.req.valid('param').id, deps.now());
      forgetCachedKeys();
      return c.json(revoked, 200);
    },
  );
