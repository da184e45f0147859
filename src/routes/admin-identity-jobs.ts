import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses } from '../http/router.js';
import { runFullPass } from '../services/identity/probabilistic.js';
import { reResolve } from '../services/identity/re-resolve.js';
import { auditActor } from './admin-connections.js';

const PassReportSchema = z
  .object({
    mode: z.enum(['full', 'incremental']),
    dryRun: z.boolean(),
    records: z.number().int(),
    candidatePairs: z.number().int(),
    identifiable: z
      .boolean()
      .openapi({ description: 'False when EM found no duplicates worth merging: nothing is merged' }),
    merged: z.number().int(),
    queued: z.number().int(),
    skipped: z.number().int().openapi({ description: 'Pairs kept apart by an unmerge or an earlier review' }),
    samples: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('ProbabilisticPassReport');

export const identityJobRoutes = createRouter()
  .openapi(
    createRoute({
      tags: ['identity'],
      security: bearerSecurity,
      method: 'post',
      path: '/v1/admin/identity/probabilistic/run',
      summary: 'Train the matcher on every live profile (EM, no labels) and merge or queue what it finds',
      description:
        'With `dryRun: true` it reports what would be merged and queued and writes nothing. A real run stores ' +
        'the trained model, which new records are then matched against as they arrive.',
      middleware: requirePermission('admin:write'),
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ dryRun: z.boolean().default(true) }) } },
        },
      },
      responses: {
        200: {
          description: 'What was (or would be) done',
          content: { 'application/json': { schema: PassReportSchema } },
        },
        ...ADMIN_ERRORS,
        ...errorResponses(409),
      },
    }),
    async (c) => c.json(await runFullPass(c.get('deps'), auditActor(c), c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      tags: ['identity'],
      security: bearerSecurity,
      method: 'post',
      path: '/v1/admin/identity/re-resolve',
      summary: 'Re-apply the current identity rules to every stored identifier (after a rule change)',
      description:
        'Re-normalizes every identifier with the current settings, detaches values that are now blocked, and ' +
        'merges profiles that now share an identifier (limits still hold). `dryRun: true` (the default) only reports.',
      middleware: requirePermission('admin:write'),
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ dryRun: z.boolean().default(true) }) } },
        },
      },
      responses: {
        200: {
          description: 'What changed (or would change)',
          content: {
            'application/json': {
              schema: z
                .object({
                  dryRun: z.boolean(),
                  identities: z.number().int(),
                  renormalized: z.number().int(),
                  nowBlocked: z.array(
                    z.object({ profileId: z.string(), type: z.string(), value: z.string() }),
                  ),
                  joins: z.array(
                    z.object({
                      profiles: z.array(z.string()),
                      type: z.string(),
                      value: z.string(),
                      outcome: z.string().optional(),
                    }),
                  ),
                  suspectMerges: z
                    .array(z.string())
                    .openapi({ description: 'Live merges whose evidence is now blocked' }),
                })
                .openapi('ReResolutionReport'),
            },
          },
        },
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => c.json(await reResolve(c.get('deps'), auditActor(c), c.req.valid('json')), 200),
  );
