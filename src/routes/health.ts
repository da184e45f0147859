import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { createRouter } from '../http/router.js';
import { errorFields } from '../lib/logger.js';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadySchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({
      database: z.object({ ok: z.boolean(), reason: z.string().optional() }),
      migrations: z.object({
        ok: z.boolean(),
        applied: z.number().int().optional(),
        expected: z.number().int().optional(),
        pending: z.array(z.string()).optional(),
        reason: z.string().optional(),
      }),
    }),
  })
  .openapi('Readiness');

export const healthRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['health'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['health'],
      summary: 'Readiness: the database answers and its migrations are current',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
        503: {
          description: 'Not ready, with the reason',
          content: { 'application/json': { schema: ReadySchema } },
        },
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const body: z.infer<typeof ReadySchema> = {
        status: 'ready',
        checks: { database: { ok: true }, migrations: { ok: true } },
      };
      try {
        await deps.db.run(sql`select 1`);
        const status = await deps.migrationStatus();
        body.checks.migrations = {
          ok: status.current,
          applied: status.applied,
          expected: status.expected,
          pending: status.pending,
          ...(status.current ? {} : { reason: `${status.pending.length} migration(s) not applied` }),
        };
      } catch (error) {
        deps.logger.warn('readiness check failed', errorFields(error));
        body.checks.database = { ok: false, reason: 'database unreachable' };
        body.checks.migrations = { ok: false, reason: 'database unreachable' };
      }
      const ready = body.checks.database.ok && body.checks.migrations.ok;
      body.status = ready ? 'ready' : 'not_ready';
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
  );
