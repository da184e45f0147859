import { createRoute, z } from '@hono/zod-openapi';
import { SYNC_RUN_STATUSES } from '../db/schema/index.js';
import { requirePermission } from '../http/auth.js';
import { backgroundOf } from '../http/background.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import { provisionSyncFields } from '../services/sync-fields.js';
import {
  cancelRun,
  confirmRun,
  createSync,
  deleteSync,
  getRun,
  getSync,
  listFailures,
  listRuns,
  listSyncs,
  publicSync,
  triggerRun,
} from '../services/syncs.js';
import { auditActor } from './admin-connections.js';

const read = requirePermission('admin:read');
const write = requirePermission('admin:write');
const base = { tags: ['syncs'], security: bearerSecurity };
const RunId = z.object({ id: z.string().regex(/^run_[a-z0-9]+$/, 'must be a run id (run_…)') });
const SyncId = z.object({ id: z.string().regex(/^sync_[a-z0-9]+$/, 'must be a sync id (sync_…)') });

const SyncSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    destinationId: z.string(),
    definition: z.record(z.string(), z.unknown()),
    schedule: z.string().nullable(),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Sync');

const RunSchema = z
  .object({
    id: z.string(),
    syncId: z.string(),
    status: z.enum(SYNC_RUN_STATUSES),
    dryRun: z.boolean(),
    counts: z.record(z.string(), z.number()),
    checkpoint: z.string().nullable(),
    guard: z
      .object({
        phase: z.enum(['checking', 'cleared', 'tripped', 'confirmed']),
        contacts: z.number().int(),
        blanked: z.record(z.string(), z.number().int()),
        lists: z.record(z.string(), z.object({ members: z.number().int(), removed: z.number().int() })),
        seen: z
          .object({
            scanned: z.number().int(),
            unchanged: z.number().int(),
            skipped: z.number().int(),
            changed: z.number().int(),
          })
          .optional(),
        tripped: z
          .array(
            z.object({
              kind: z.enum(['blanked_field', 'removed_from_list']),
              name: z.string(),
              count: z.number().int(),
              of: z.number().int(),
              share: z.number(),
              maxShare: z.number(),
            }),
          )
          .optional(),
      })
      .nullable()
      .openapi({
        description: 'Blast guard: what its pre-pass counted and, when tripped, what stopped the run',
      }),
    error: z.unknown(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    progress: z.object({
      done: z.number().int(),
      total: z.number().int().nullable(),
      ratePerSecond: z.number(),
      eta: z.string().nullable(),
    }),
  })
  .openapi('SyncRun');

const Wait = z.object({ wait: z.enum(['true', 'false']).default('false') });
const RunResult = z.object({ run: RunSchema, result: z.record(z.string(), z.unknown()) });

export const syncRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/syncs',
      summary:
        'Create a sync: profiles → a destination connection, with a field mapping and an optional cron schedule',
      middleware: write,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                name: z.string().trim().min(1).max(100),
                destinationId: z.string().min(1),
                definition: z.record(z.string(), z.unknown()),
                schedule: z.string().nullable().optional().openapi({ example: '*/30 * * * *' }),
                enabled: z.boolean().optional(),
              }),
            },
          },
        },
      },
      responses: { 201: json(SyncSchema, 'Created'), ...ADMIN_ERRORS, ...errorResponses(409) },
    }),
    async (c) => c.json(await createSync(c.get('deps'), auditActor(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/syncs',
      summary: 'List syncs',
      middleware: read,
      responses: { 200: json(z.object({ items: z.array(SyncSchema) }), 'Syncs'), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ items: await listSyncs(c.get('deps')) }, 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/syncs/{id}',
      summary: 'Get a sync',
      middleware: read,
      request: { params: SyncId },
      responses: { 200: json(SyncSchema, 'The sync'), ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => c.json(publicSync(await getSync(c.get('deps'), c.req.valid('param').id)), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/admin/syncs/{id}',
      summary: 'Delete a sync (destination data is left as it is)',
      middleware: write,
      request: { params: SyncId },
      responses: { 204: { description: 'Deleted' }, ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => {
      await deleteSync(c.get('deps'), auditActor(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/syncs/{id}/runs',
      summary: 'Start a run (or resume an orphaned one); a dry run reports the changes without sending',
      middleware: write,
      request: {
        params: SyncId,
        query: Wait,
        body: {
          required: false,
          content: { 'application/json': { schema: z.object({ dryRun: z.boolean().default(false) }) } },
        },
      },
      responses: {
        202: json(z.object({ run: RunSchema }), 'Started; follow it at GET /v1/admin/sync-runs/{id}'),
        200: json(RunResult, 'Over, paused or stopped by the blast guard (dry runs, or wait=true)'),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : { dryRun: false };
      const outcome = await triggerRun(c.get('deps'), c.req.valid('param').id, {
        dryRun: body?.dryRun ?? false,
        wait: c.req.valid('query').wait === 'true',
        background: backgroundOf(c),
      });
      if (outcome.result) return c.json({ run: outcome.run, result: { ...outcome.result } }, 200);
      return c.json({ run: outcome.run }, 202);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/syncs/{id}/runs',
      summary: 'Run history with counts',
      middleware: read,
      request: {
        params: SyncId,
        query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      },
      responses: {
        200: json(z.object({ items: z.array(RunSchema) }), 'Runs, newest first'),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) =>
      c.json(
        { items: await listRuns(c.get('deps'), c.req.valid('param').id, c.req.valid('query').limit) },
        200,
      ),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/sync-runs/{id}',
      summary: 'One run: status, counts (scanned, unchanged, sent, ok, failed, skipped), checkpoint',
      middleware: read,
      request: { params: RunId },
      responses: { 200: json(RunSchema, 'The run'), ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => c.json(await getRun(c.get('deps'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/sync-runs/{id}/confirm',
      summary: 'Let a run the blast guard stopped (awaiting_confirmation) go on and write',
      middleware: write,
      request: { params: RunId, query: Wait },
      responses: {
        202: json(z.object({ run: RunSchema }), 'Going on; follow it at GET /v1/admin/sync-runs/{id}'),
        200: json(RunResult, 'Over or paused (wait=true)'),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const outcome = await confirmRun(c.get('deps'), auditActor(c), c.req.valid('param').id, {
        wait: c.req.valid('query').wait === 'true',
        background: backgroundOf(c),
      });
      if (outcome.result) return c.json({ run: outcome.run, result: { ...outcome.result } }, 200);
      return c.json({ run: outcome.run }, 202);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/sync-runs/{id}/cancel',
      summary: 'End a run awaiting confirmation (or paused) without writing anything more',
      middleware: write,
      request: { params: RunId },
      responses: { 200: json(RunSchema, 'Cancelled'), ...ADMIN_ERRORS, ...errorResponses(404, 409) },
    }),
    async (c) => c.json(await cancelRun(c.get('deps'), auditActor(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/syncs/{id}/fields',
      summary:
        'Field provisioning: the plan (existing, to create, budget), or with confirm the fields created',
      middleware: write,
      request: {
        params: SyncId,
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ confirm: z.boolean().default(false) }) } },
        },
      },
      responses: {
        200: json(
          z.object({
            confirmed: z.boolean(),
            plan: z.record(z.string(), z.unknown()).optional(),
            fields: z.array(z.record(z.string(), z.unknown())).optional(),
          }),
          'The plan, or the provisioned fields',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const result = await provisionSyncFields(
        c.get('deps'),
        auditActor(c),
        c.req.valid('param').id,
        c.req.valid('json').confirm,
      );
      return c.json(
        result as {
          confirmed: boolean;
          plan?: Record<string, unknown>;
          fields?: Array<Record<string, unknown>>;
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/syncs/{id}/failures',
      summary: 'Records the destination refused, with the reason; they are sent again on the next run',
      middleware: read,
      request: {
        params: SyncId,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                profileId: z.string(),
                runId: z.string(),
                error: z.unknown(),
                attempts: z.number().int(),
                failedAt: z.string(),
              }),
            ),
          }),
          'Failures, newest first',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) =>
      c.json(
        { items: await listFailures(c.get('deps'), c.req.valid('param').id, c.req.valid('query').limit) },
        200,
      ),
  );
