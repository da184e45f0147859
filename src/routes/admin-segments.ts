import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { backgroundOf } from '../http/background.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import {
  createSegment,
  deleteSegment,
  listSegments,
  publicSegment,
  segmentRow,
  updateSegment,
} from '../services/segments/crud.js';
import {
  explainMembership,
  listMembers,
  membershipHistory,
  previewSegment,
  segmentOverlap,
} from '../services/segments/queries.js';
import { auditActor } from './admin-connections.js';

const read = requirePermission('admin:read');
const write = requirePermission('admin:write');
const base = { tags: ['segments'], security: bearerSecurity };
const SegmentId = z.object({ id: z.string().regex(/^seg_[a-z0-9]+$/, 'must be a segment id (seg_…)') });
const Wait = z.object({ wait: z.enum(['true', 'false']).optional() });

const Issue = z.object({ path: z.string(), message: z.string() });
const SegmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    groupName: z.string().nullable(),
    priority: z.number().int(),
    enabled: z.boolean(),
    rule: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    status: z.enum(['ready', 'computing']),
    computedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    warnings: z.array(Issue).optional().openapi({ description: 'e.g. an event name never received' }),
  })
  .openapi('Segment');

const SegmentInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullish(),
    groupName: z.string().trim().min(1).max(100).nullish(),
    priority: z.number().int().min(-1000).max(1000).default(0),
    enabled: z.boolean().default(true),
    rule: z.unknown().openapi({ description: 'A rule in the segment rule language (docs/segment-rules.md)' }),
  })
  .openapi('SegmentInput');

export const segmentAdminRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/segments',
      summary: 'List segments',
      middleware: read,
      responses: { 200: json(z.object({ items: z.array(SegmentSchema) }), 'Segments'), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ items: await listSegments(c.get('deps')) }, 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/segments',
      summary: 'Create a segment; memberships are computed at once (wait=true answers when done)',
      middleware: write,
      request: { query: Wait, body: { content: { 'application/json': { schema: SegmentInput } } } },
      responses: { 201: json(SegmentSchema, 'Created'), ...ADMIN_ERRORS, ...errorResponses(409) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const created = await createSegment(deps, auditActor(c), c.req.valid('json'), {
        wait: c.req.valid('query').wait === 'true',
        background: backgroundOf(c),
      });
      return c.json(created, 201);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/segments/preview',
      summary: 'Count and sample the profiles a rule matches now, without saving it',
      middleware: read,
      request: {
        body: {
          content: {
            'application/json': {
              schema: z.object({ rule: z.unknown(), sample: z.number().int().min(0).max(100).default(10) }),
            },
          },
        },
      },
      responses: {
        200: json(
          z.object({
            count: z.number().int(),
            scanned: z.number().int(),
            sample: z.array(z.string()),
            warnings: z.array(Issue),
          }),
          'Preview',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await previewSegment(c.get('deps'), body.rule, body.sample), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/segments/overlap',
      summary: 'Sizes and pairwise intersections of a set of segments',
      middleware: read,
      request: {
        body: {
          content: {
            'application/json': { schema: z.object({ segments: z.array(z.string()).min(2).max(20) }) },
          },
        },
      },
      responses: {
        200: json(
          z.object({
            segments: z.array(z.object({ id: z.string(), name: z.string(), size: z.number().int() })),
            pairs: z.array(
              z.object({ a: z.string(), b: z.string(), intersection: z.number().int(), jaccard: z.number() }),
            ),
          }),
          'Overlap',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => c.json(await segmentOverlap(c.get('deps'), c.req.valid('json').segments), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/segments/{id}',
      summary: 'Get a segment',
      middleware: read,
      request: { params: SegmentId },
      responses: { 200: json(SegmentSchema, 'The segment'), ...ADMIN_ERRORS, ...errorResponses(404) },
    }),
    async (c) => c.json(publicSegment(await segmentRow(c.get('deps'), c.req.valid('param').id)), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/v1/admin/segments/{id}',
      summary: 'Replace a segment (a new rule is a new version, recomputed at once)',
      middleware: write,
      request: {
        params: SegmentId,
        query: Wait,
        body: { content: { 'application/json': { schema: SegmentInput } } },
      },
      responses: { 200: json(SegmentSchema, 'Updated'), ...ADMIN_ERRORS, ...errorResponses(404, 409) },
    }),
    async (c) => {
      const updated = await updateSegment(
        c.get('deps'),
        auditActor(c),
        c.req.valid('param').id,
        c.req.valid('json'),
        {
          wait: c.req.valid('query').wait === 'true',
          background: backgroundOf(c),
        },
      );
      return c.json(updated, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/admin/segments/{id}',
      summary: 'Delete a segment (refused while other segments refer to it)',
      middleware: write,
      request: { params: SegmentId },
      responses: { 204: { description: 'Deleted' }, ...ADMIN_ERRORS, ...errorResponses(404, 409) },
    }),
    async (c) => {
      await deleteSegment(c.get('deps'), auditActor(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/segments/{id}/members',
      summary: 'Current members, paged by profile id',
      middleware: read,
      request: {
        params: SegmentId,
        query: z.object({
          after: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(z.object({ profileId: z.string(), enteredAt: z.string() })),
            total: z.number().int(),
            next: z.string().nullable(),
          }),
          'Members',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => c.json(await listMembers(c.get('deps'), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/segments/{id}/history',
      summary: 'Entries and exits, newest first, with the conditions that changed',
      middleware: read,
      request: {
        params: SegmentId,
        query: z.object({
          profile: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                profileId: z.string(),
                change: z.enum(['entered', 'left']),
                reason: z.string(),
                at: z.string(),
              }),
            ),
          }),
          'History',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const items = await membershipHistory(c.get('deps'), c.req.valid('param').id, {
        ...(query.profile ? { profileId: query.profile } : {}),
        limit: query.limit,
      });
      return c.json({ items }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/segments/{id}/explain',
      summary: 'Why a profile is in or out of the segment, condition by condition',
      middleware: read,
      request: { params: SegmentId, query: z.object({ profile: z.string().min(1) }) },
      responses: {
        200: json(
          z.object({
            segmentId: z.string(),
            profileId: z.string(),
            inSegment: z.boolean(),
            member: z.object({ enteredAt: z.string() }).nullable(),
            nextChangeAt: z.string().nullable(),
            explanation: z.unknown(),
          }),
          'Explanation',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 410),
      },
    }),
    async (c) =>
      c.json(
        await explainMembership(c.get('deps'), c.req.valid('param').id, c.req.valid('query').profile),
        200,
      ),
  );
