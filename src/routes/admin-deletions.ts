import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter } from '../http/router.js';
import { propagateDeletions } from '../services/profiles/propagate-deletions.js';

const SummarySchema = z
  .object({ processed: z.number().int(), completed: z.number().int(), failed: z.number().int() })
  .openapi('DeletionPropagation');

export const deletionRoutes = createRouter().openapi(
  createRoute({
    tags: ['profiles'],
    security: bearerSecurity,
    method: 'post',
    path: '/v1/admin/deletions/propagate',
    summary:
      'Run the erasure propagation now: delete pending erasures at every destination (also those the ' +
      'scheduler stopped retrying); see GET /v1/admin/deletions for the outcome per connection',
    middleware: requirePermission('admin:write'),
    responses: {
      200: { description: 'The pass ran', content: { 'application/json': { schema: SummarySchema } } },
      ...ADMIN_ERRORS,
    },
  }),
  async (c) => c.json(await propagateDeletions(c.get('deps'), { ignoreAttemptLimit: true }), 200),
);
