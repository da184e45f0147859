import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import { requireCanonical } from '../services/identity/canonical.js';
import { explainPair, mergesOf, publicMerge } from '../services/identity/explain.js';
import {
  acceptReview,
  listConflicts,
  listReviews,
  rejectReview,
  resolveConflict,
} from '../services/identity/reviews.js';
import { unmerge } from '../services/identity/unmerge.js';
import { auditActor } from './admin-connections.js';

const read = requirePermission('admin:read');
const write = requirePermission('admin:write');
const base = { tags: ['identity'], security: bearerSecurity };
const ProfileId = z.string().regex(/^prof_[a-z0-9]+$/, 'must be a profile id (prof_…)');

const MergeSchema = z
  .object({
    id: z.string(),
    survivorId: z.string(),
    mergedId: z.string(),
    method: z.enum(['deterministic', 'probabilistic', 'manual']),
    evidence: z.record(z.string(), z.unknown()),
    actor: z.string(),
    createdAt: z.string(),
    undoneAt: z.string().nullable(),
    undoneBy: z.string().nullable(),
  })
  .openapi('Merge');

const ReviewSchema = z
  .object({
    id: z.string(),
    profileA: z.string(),
    profileB: z.string(),
    probability: z.number(),
    evidence: z.record(z.string(), z.unknown()),
    status: z.enum(['pending', 'accepted', 'rejected']),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
  })
  .openapi('MatchReview');

const ConflictSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['limit', 'blocked_pair']),
    profileIds: z.array(z.string()),
    identifierType: z.string().nullable(),
    identifierValue: z.string().nullable(),
    detail: z.string(),
    status: z.enum(['open', 'resolved']),
    createdAt: z.string(),
  })
  .openapi('IdentityConflict');

export const identityRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/identity/explain',
      summary: 'Why two profile ids are one customer: the merges that link them, with their evidence',
      middleware: read,
      request: { query: z.object({ a: ProfileId, b: ProfileId }) },
      responses: {
        200: json(
          z.object({
            same: z.boolean(),
            a: z.object({ id: z.string(), canonicalId: z.string() }),
            b: z.object({ id: z.string(), canonicalId: z.string() }),
            path: z.array(MergeSchema),
          }),
          'The explanation',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const { a, b } = c.req.valid('query');
      return c.json(await explainPair(c.get('deps'), a, b), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/merges',
      summary: "A profile's live merges (either side)",
      middleware: read,
      request: { query: z.object({ profile: ProfileId }) },
      responses: {
        200: json(z.object({ items: z.array(MergeSchema) }), 'Merges'),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const canonical = await requireCanonical(deps, c.req.valid('query').profile);
      return c.json({ items: (await mergesOf(deps, canonical)).map(publicMerge) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/merges/{id}/unmerge',
      summary: 'Split a merge back apart from the merge log; the pair is then kept apart',
      middleware: write,
      request: {
        params: z.object({ id: z.string().regex(/^mrg_[a-z0-9]+$/, 'must be a merge id (mrg_…)') }),
      },
      responses: {
        200: json(
          z.object({
            mergeId: z.string(),
            survivorId: z.string(),
            restoredId: z.string(),
            restoredProfiles: z.array(z.string()),
          }),
          'Unmerged',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => c.json(await unmerge(c.get('deps'), auditActor(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/identity/reviews',
      summary: 'Probable matches between the thresholds, waiting for a decision',
      middleware: read,
      request: {
        query: z.object({
          status: z.enum(['pending', 'accepted', 'rejected']).default('pending'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional(),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(ReviewSchema), nextCursor: z.string().nullable() }), 'Reviews'),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      return c.json(await listReviews(c.get('deps'), { status, limit, after: cursor }), 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/identity/reviews/{id}/{decision}',
      summary: 'Accept (merge) or reject (keep apart) a probable match',
      middleware: write,
      request: {
        params: z.object({ id: z.string().regex(/^rev_[a-z0-9]+$/), decision: z.enum(['accept', 'reject']) }),
      },
      responses: {
        200: json(
          z.object({ review: ReviewSchema, merge: z.record(z.string(), z.unknown()).optional() }),
          'Decided',
        ),
        ...ADMIN_ERRORS,
        ...errorResponses(404, 409),
      },
    }),
    async (c) => {
      const { id, decision } = c.req.valid('param');
      const deps = c.get('deps');
      if (decision === 'accept') return c.json(await acceptReview(deps, auditActor(c), id), 200);
      return c.json({ review: await rejectReview(deps, auditActor(c), id) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/identity/conflicts',
      summary: 'Merges the resolver refused (a limit would break, or the pair was split apart)',
      middleware: read,
      request: {
        query: z.object({
          status: z.enum(['open', 'resolved']).default('open'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(ConflictSchema) }), 'Conflicts'), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ items: await listConflicts(c.get('deps'), c.req.valid('query')) }, 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/admin/identity/conflicts/{id}/resolve',
      summary: 'Mark a conflict as dealt with',
      middleware: write,
      request: { params: z.object({ id: z.string().regex(/^cfl_[a-z0-9]+$/) }) },
      responses: {
        200: json(z.object({ id: z.string(), status: z.literal('resolved') }), 'Resolved'),
        ...ADMIN_ERRORS,
        ...errorResponses(404),
      },
    }),
    async (c) => c.json(await resolveConflict(c.get('deps'), auditActor(c), c.req.valid('param').id), 200),
  );
