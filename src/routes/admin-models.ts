import { createRoute, z } from '@hono/zod-openapi';
import { MODEL_KINDS } from '../db/schema/index.js';
import { requirePermission } from '../http/auth.js';
import { backgroundOf } from '../http/background.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, json } from '../http/router.js';
import { modelStatus } from '../services/scores/models.js';
import { recomputeScores } from '../services/scores/recompute-scores.js';

const base = { tags: ['models'], security: bearerSecurity };
const ModelSchema = z
  .object({
    kind: z.enum(MODEL_KINDS),
    status: z.enum(['fitted', 'refused', 'failed']),
    parameters: z.record(z.string(), z.unknown()).nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    message: z.string().nullable(),
    scored: z.number().int(),
    fittedAt: z.string(),
  })
  .openapi('ModelStatus');

export const modelRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/models',
      summary: 'RFM, CLV, propensity and micro-segment models: last fit, parameters, quality',
      middleware: requirePermission('admin:read'),
      responses: { 200: json(z.object({ items: z.array(ModelSchema) }), 'Models'), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ items: await modelStatus(c.get('deps')) }, 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/models/recompute',
      summary: 'Refit every model and rescore every customer now (wait=true answers when done)',
      middleware: requirePermission('admin:write'),
      request: { query: z.object({ wait: z.enum(['true', 'false']).optional() }) },
      responses: {
        200: json(z.object({ items: z.array(ModelSchema) }), 'Refitted'),
        202: json(z.object({ started: z.literal(true) }), 'Started'),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      if (c.req.valid('query').wait === 'true') {
        await recomputeScores(deps);
        return c.json({ items: await modelStatus(deps) }, 200);
      }
      backgroundOf(c)(
        recomputeScores(deps).catch((error) =>
          deps.logger.error('scores recompute failed', { error: String(error) }),
        ),
      );
      return c.json({ started: true as const }, 202);
    },
  );
