import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { backgroundOf } from '../http/background.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, json } from '../http/router.js';
import { errorFields } from '../lib/logger.js';
import { recomputeRecommendations } from '../recommend/serving/index.js';
import { instrumentsFor } from '../services/personalize/instruments.js';
import { FORMATS, MAX_N } from '../services/personalize/params.js';
import { personalize } from '../services/personalize/personalize.js';
import { SLOT_NAMES } from '../services/personalize/settings.js';
import { deleteTemplate, getTemplate, putTemplate } from '../services/personalize/templates.js';

const base = { tags: ['personalization'], security: bearerSecurity };
const TemplateParams = z.object({ slot: z.enum(SLOT_NAMES), format: z.enum(['html', 'text']) });
const TemplateSchema = z
  .object({
    slot: z.enum(SLOT_NAMES),
    format: z.enum(['html', 'text']),
    template: z.string(),
    isDefault: z.boolean().openapi({ description: 'No template stored: the built-in one answers' }),
    updatedAt: z.string().nullable(),
  })
  .openapi('SlotTemplate');
const LatencySchema = z.object({
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});
const MetricsSchema = z
  .object({
    since: z.string(),
    requests: z.number().int(),
    answers: z.record(z.string(), z.number().int()),
    refused: z.record(z.string(), z.number().int()),
    slotFallbacks: z.number().int(),
    latencyMs: LatencySchema,
    servingIndex: z
      .object({
        state: z.enum(['loading', 'ready', 'failed', 'closed']),
        profiles: z.number().int(),
        keys: z.number().int(),
        watermark: z.number().int(),
        changesApplied: z.number().int(),
        loads: z.number().int(),
        lastLoadSeconds: z.number().nullable(),
        lastError: z.string().nullable(),
        hits: z.number().int(),
        misses: z.number().int(),
      })
      .nullable()
      .openapi({
        description: 'The in-memory serving index (Node, embedded database); null where there is none',
      }),
  })
  .openapi('PersonalizeMetrics');
const ProgressSchema = z.object({
  id: z.string(),
  done: z.boolean(),
  counts: z.object({ profiles: z.number(), personal: z.number(), segment: z.number(), global: z.number() }),
  fit: z
    .object({ profiles: z.number(), interactions: z.number(), lists: z.number(), seconds: z.number() })
    .optional(),
});

export const personalizeAdminRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/personalize/templates/{slot}/{format}',
      summary: "A slot's LiquidJS template (the stored one, or the built-in default)",
      middleware: requirePermission('admin:read'),
      request: { params: TemplateParams },
      responses: { 200: json(TemplateSchema, 'The template'), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const { slot, format } = c.req.valid('param');
      return c.json(await getTemplate(c.get('deps'), slot, format), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/v1/admin/personalize/templates/{slot}/{format}',
      summary: "Replace a slot's template (parsed first: a syntax error is a 400 naming the line)",
      middleware: requirePermission('admin:write'),
      request: {
        params: TemplateParams,
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ template: z.string().max(100_000) }) } },
        },
      },
      responses: { 200: json(TemplateSchema, 'Stored'), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const { slot, format } = c.req.valid('param');
      return c.json(await putTemplate(c.get('deps'), slot, format, c.req.valid('json').template), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/admin/personalize/templates/{slot}/{format}',
      summary: 'Remove the stored template: the built-in default answers again',
      middleware: requirePermission('admin:write'),
      request: { params: TemplateParams },
      responses: { 200: json(TemplateSchema, 'The default now in use'), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const { slot, format } = c.req.valid('param');
      return c.json(await deleteTemplate(c.get('deps'), slot, format), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/personalize/preview',
      summary: 'What the webhook would answer for a profile now (rendered for html and text)',
      middleware: requirePermission('admin:read'),
      request: {
        query: z.object({
          profile: z.string().min(1).openapi({ description: 'Profile id' }),
          slots: z.string().optional().openapi({ example: 'hero,recs' }),
          format: z.enum(FORMATS).default('html'),
          n: z.coerce.number().int().min(1).max(MAX_N).optional(),
          send_id: z.string().optional(),
        }),
      },
      responses: {
        200: json(
          z.object({
            contentType: z.string(),
            etag: z.string(),
            body: z.string().openapi({ description: 'Exactly what the webhook sends' }),
            answer: z
              .record(z.string(), z.unknown())
              .nullable()
              .openapi({ description: 'The JSON answer, for json' }),
          }),
          'Preview',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { profile, slots, format, n, send_id } = c.req.valid('query');
      const answer = await personalize(
        c.get('deps'),
        {
          profile_id: profile,
          format,
          ...(slots === undefined ? {} : { slots }),
          ...(n === undefined ? {} : { n: String(n) }),
          ...(send_id === undefined ? {} : { send_id }),
        },
        { requestId: c.get('requestId') },
      );
      const body = typeof answer.body === 'string' ? answer.body : new TextDecoder().decode(answer.body);
      return c.json(
        {
          contentType: answer.contentType,
          etag: answer.etag,
          body,
          answer: format === 'json' ? (JSON.parse(body) as Record<string, unknown>) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/metrics/personalize',
      summary: "The webhook's latency percentiles and answers by outcome (this instance, since start)",
      middleware: requirePermission('admin:read'),
      responses: { 200: json(MetricsSchema, 'Metrics'), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const deps = c.get('deps');
      const servingIndex = deps.servingIndex?.status() ?? null;
      return c.json({ ...instrumentsFor(deps).metrics.snapshot(), servingIndex }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/recommendations/recompute',
      summary: "Refit recommendations and recompute every profile's top N now (wait=true answers when done)",
      middleware: requirePermission('admin:write'),
      request: { query: z.object({ wait: z.enum(['true', 'false']).optional() }) },
      responses: {
        200: json(ProgressSchema, 'Done'),
        202: json(z.object({ started: z.literal(true) }), 'Started'),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      if (c.req.valid('query').wait === 'true') return c.json(await recomputeRecommendations(deps), 200);
      backgroundOf(c)(
        recomputeRecommendations(deps).catch((error) =>
          deps.logger.error('recommendation recompute failed', errorFields(error)),
        ),
      );
      return c.json({ started: true as const }, 202);
    },
  );
