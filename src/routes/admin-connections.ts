import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import type { AuditActor } from '../services/audit.js';
import {
  checkConnection,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
} from '../services/connections.js';
import { previewSource } from '../services/source-preview.js';

const ConnectionSchema = z
  .object({
    id: z.string().openapi({ example: 'conn_m3x9k2a1b4c5d6e7f8g9h0i1' }),
    connectorId: z.string().openapi({ example: 'csv' }),
    name: z.string(),
    config: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Connector config; secret fields read "[REDACTED]"' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastCheck: z.object({ at: z.string(), ok: z.boolean(), error: z.unknown() }).nullable(),
  })
  .openapi('Connection');

const CheckResultSchema = z
  .object({
    ok: z.boolean(),
    details: z.record(z.string(), z.unknown()).optional(),
    error: z.unknown().optional(),
  })
  .openapi('CheckResult');

const SourceRecordSchema = z
  .object({
    externalId: z.string(),
    identifiers: z.object({
      email: z.string().optional(),
      phone: z.string().optional(),
      userId: z.string().optional(),
    }),
    traits: z.record(z.string(), z.unknown()),
    updatedAt: z.string().optional(),
    deleted: z.boolean().optional(),
  })
  .openapi('SourceRecord');

const NameSchema = z.string().trim().min(1).max(100);
const IdParams = z.object({ id: z.string().regex(/^conn_[a-z0-9]+$/, 'must be a connection id (conn_…)') });

export function auditActor(c: Context<AppEnv>): AuditActor {
  return { principal: c.get('principal'), requestId: c.get('requestId') };
}

const read = requirePermission('admin:read');
const write = requirePermission('admin:write');
const base = { tags: ['connections'], security: bearerSecurity };

export const connectionRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/connections',
      summary: "Create a connection; config is validated by the connector's schema",
      middleware: write,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                connectorId: z.string().min(1),
                name: NameSchema,
                config: z.record(z.string(), z.unknown()).default({}),
              }),
            },
          },
        },
      },
      responses: { 201: json(ConnectionSchema, 'Created'), ...ADMIN_ERRORS, ...errorResponses(409) },
    }),
    async (c) => c.json(await createConnection(c.get('deps'), auditActor(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/connections',
      summary: 'List connections (secrets redacted)',
      middleware: read,
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional(),
          connectorId: z.string().optional(),
        }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(ConnectionSchema), nextCursor: z.string().nullable() }),
          'A page of connections',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { limit, cursor, connectorId } = c.req.valid('query');
      return c.json(await listConnections(c.get('deps'), { limit, after: cursor, connectorId }), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/connections/{id}',
      summary: 'Get one connection (secrets redacted)',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(ConnectionSchema, 'The connection'), ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => c.json(await getConnection(c.get('deps'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'patch',
      path: '/v1/admin/connections/{id}',
      summary: 'Update name and/or config (merged; omitted or "[REDACTED]" secrets are kept)',
      middleware: write,
      request: {
        params: IdParams,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                name: NameSchema.optional(),
                config: z.record(z.string(), z.unknown()).optional(),
              }),
            },
          },
        },
      },
      responses: { 200: json(ConnectionSchema, 'Updated'), ...ADMIN_ERRORS, ...errorResponses(404, 409) },
    }),
    async (c) =>
      c.json(
        await updateConnection(c.get('deps'), auditActor(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/admin/connections/{id}',
      summary: 'Delete a connection',
      middleware: write,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => {
      await deleteConnection(c.get('deps'), auditActor(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/connections/{id}/check',
      summary: "Run the connector's check with the stored credentials",
      middleware: write,
      request: { params: IdParams },
      responses: {
        200: json(CheckResultSchema, 'Outcome of the check (ok or a typed error)'),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => c.json(await checkConnection(c.get('deps'), c.req.valid('param').id, c.req.raw.signal), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/connections/{id}/preview',
      summary: 'Read the first records of a source connection without storing them',
      middleware: read,
      request: {
        params: IdParams,
        query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
      },
      responses: {
        200: json(
          z.object({ records: z.array(SourceRecordSchema), truncated: z.boolean() }).openapi('SourcePreview'),
          'The first records, as the source yields them',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const { limit } = c.req.valid('query');
      const preview = await previewSource(c.get('deps'), c.req.valid('param').id, limit, c.req.raw.signal);
      return c.json(preview, 200);
    },
  );
