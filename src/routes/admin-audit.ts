import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter } from '../http/router.js';
import { listAudit, parseAuditCursor } from '../services/audit.js';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actorKeyId: z.string().nullable(),
    actorName: z.string(),
    action: z.string().openapi({ example: 'connection.update' }),
    entityType: z.string().openapi({ example: 'connection' }),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
  })
  .openapi('AuditEntry');

export const auditRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/audit-log',
    tags: ['audit'],
    security: bearerSecurity,
    summary: 'Admin changes, newest first; filter by entity',
    middleware: requirePermission('admin:read'),
    request: {
      query: z.object({
        entityType: z.string().optional(),
        entityId: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().optional(),
      }),
    },
    responses: {
      200: {
        description: 'A page of audit entries',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      ...ADMIN_ERRORS,
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const cursor = query.cursor === undefined ? undefined : parseAuditCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new AppError('validation_failed', 'request validation failed', [
        { path: 'query.cursor', message: 'must be a nextCursor from a previous page' },
      ]);
    }
    const page = await listAudit(c.get('deps').db, { ...query, cursor });
    return c.json(
      {
        items: page.items.map((row) => ({
          ...row,
          at: row.at.toISOString(),
          before: row.before ?? null,
          after: row.after ?? null,
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  },
);
