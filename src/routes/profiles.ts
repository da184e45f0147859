import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { CONSENT_CHANNELS, CONSENT_STATUSES } from '../db/schema/index.js';
import { requirePermission } from '../http/auth.js';
import { AppError } from '../http/errors.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses, json } from '../http/router.js';
import { listDeletions, parseDeletionCursor } from '../services/profiles/deletions.js';
import { eraseProfile } from '../services/profiles/erase.js';
import { exportProfile } from '../services/profiles/export.js';
import { lookupProfile } from '../services/profiles/lookup.js';
import { DEFAULT_RECENT_EVENTS, MAX_RECENT_EVENTS, profileView } from '../services/profiles/read.js';
import { resolveProfile } from '../services/profiles/resolve.js';
import { auditActor } from './admin-connections.js';

const Timestamp = z.string().openapi({ example: '2026-01-02T03:04:05.000Z' });
const Row = z.record(z.string(), z.unknown());

const IdentitySchema = z
  .object({
    type: z
      .string()
      .openapi({ example: 'email', description: 'email, phone, user_id, anonymous_id, external:<source>' }),
    value: z.string().openapi({ description: 'Normalized: what matching uses' }),
    rawValue: z.string().openapi({ description: 'As received' }),
    valid: z.boolean(),
    source: z.string(),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
  })
  .openapi('Identity');

const CartItemSchema = z.object({
  productId: z.string(),
  name: z.string().optional(),
  category: z.string().optional(),
  price: z.number(),
  quantity: z.number(),
});

const MetricsSchema = z
  .object({
    orderCount: z.number().int(),
    totalSpent: z.number(),
    averageOrderValue: z.number().nullable(),
    firstOrderAt: Timestamp.nullable(),
    lastOrderAt: Timestamp.nullable(),
    recencyDays: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Whole days since the last order, as of now' }),
    engagementScore: z.number().openapi({ description: 'Decayed to now' }),
    lastViewedProductId: z.string().nullable(),
    lastViewedCategory: z.string().nullable(),
    lastViewedAt: Timestamp.nullable(),
    cart: z.object({ items: z.array(CartItemSchema), value: z.number(), updatedAt: Timestamp.nullable() }),
    eventCount: z.number().int(),
    lastEventAt: Timestamp.nullable(),
  })
  .openapi('ProfileMetrics');

const ConsentStateSchema = z.object({
  status: z.enum(CONSENT_STATUSES),
  source: z.string(),
  updatedAt: Timestamp,
});
const ConsentSchema = z
  .object(Object.fromEntries(CONSENT_CHANNELS.map((channel) => [channel, ConsentStateSchema.optional()])))
  .openapi('Consent', {
    description:
      'Effective consent per channel (the latest statement); a channel nobody stated is absent (unknown)',
  });

const EventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string().nullable(),
    source: z.string(),
    messageId: z.string(),
    properties: Row,
    occurredAt: Timestamp,
    receivedAt: Timestamp,
  })
  .openapi('ProfileEvent');

const ProfileSchema = z
  .object({
    id: z.string().openapi({ description: 'The surviving profile id: stable; merged ids resolve to it' }),
    requestedId: z.string().optional().openapi({ description: 'Present when the URL named a merged id' }),
    mergedIds: z.array(z.string()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    traits: Row.openapi({ description: 'The winning value of each trait' }),
    traitSources: z.record(z.string(), z.object({ source: z.string(), updatedAt: Timestamp })),
    identities: z.array(IdentitySchema),
    metrics: MetricsSchema,
    consent: ConsentSchema,
    recentEvents: z.array(EventSchema).openapi({ description: 'Newest first' }),
  })
  .openapi('Profile');

const ExportSchema = z
  .object({
    exportedAt: Timestamp,
    profile: Row,
    mergedProfiles: z.array(Row),
    traitValues: z
      .array(Row)
      .openapi({ description: "Every source's value of every trait, with provenance" }),
    identities: z.array(Row),
    consent: z.array(Row).openapi({ description: 'Every consent statement, per origin profile and channel' }),
    metrics: MetricsSchema,
    merges: z.array(Row),
    mergeBlocks: z.array(Row),
    identityConflicts: z.array(Row),
    matchReviews: z.array(Row).openapi({ description: 'Without evidence: the pair may be two people' }),
    deletions: z.array(Row),
    matchKeys: z.array(Row).openapi({ description: 'Blocking keys the probabilistic matcher derived' }),
    suppressions: z
      .array(Row)
      .openapi({ description: 'Unsubscribes pushed from one ESP to the others, with their outcome' }),
    audit: z.array(Row),
    orders: z.array(Row).openapi({ description: 'Each with its lines' }),
    events: z.array(Row).openapi({ description: 'All of them, oldest first' }),
  })
  .openapi('ProfileExport');

const ErasureSchema = z
  .object({
    deletionId: z.string(),
    id: z.string(),
    requestedId: z.string().optional(),
    erasedProfileIds: z.array(z.string()),
    erasedAt: Timestamp,
    status: z.enum(['pending', 'completed']).openapi({ description: 'Propagation to destinations' }),
    counts: z.object({
      identities: z.number().int(),
      traitValues: z.number().int(),
      events: z.number().int(),
      consent: z.number().int(),
      ordersAnonymized: z.number().int(),
    }),
  })
  .openapi('Erasure');

const DeletionSchema = z
  .object({
    id: z.string(),
    profileId: z.string(),
    requestedBy: z.string().openapi({ description: 'API key id' }),
    requestedByName: z.string().nullable(),
    requestedAt: Timestamp,
    status: z.enum(['pending', 'completed']),
    propagation: z.record(z.string(), z.string()).openapi({
      description: "Destination connection id → 'pending' | 'done' | error message",
    }),
    completedAt: Timestamp.nullable(),
    identifiersHeld: z
      .boolean()
      .openapi({ description: 'Whether sealed identifiers are still kept for propagation' }),
  })
  .openapi('Deletion');

const IdParams = z.object({ id: z.string().regex(/^prof_[a-z0-9]+$/, 'must be a profile id (prof_…)') });
const EventsQuery = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_RECENT_EVENTS)
  .default(DEFAULT_RECENT_EVENTS)
  .openapi({ description: `How many recent events to include (0–${MAX_RECENT_EVENTS})` });
const NOT_FOUND = errorResponses(404, 410);

/** Canonical location of the person, and no caching anywhere: every body here is personal data. */
function personalHeaders(c: Context<AppEnv>, profileId: string, suffix = '') {
  c.header('Content-Location', `/v1/profiles/${profileId}${suffix}`);
  c.header('Cache-Control', 'no-store');
}

const read = requirePermission('admin:read');
// The export and the erasure hand out or destroy all of a person's data: editors and admins only.
const write = requirePermission('admin:write');
const base = { tags: ['profiles'], security: bearerSecurity };

export const profileRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/profiles',
      summary: 'Find the profile holding an identifier (normalized as ingest does); exactly one parameter',
      middleware: read,
      request: {
        query: z.object({
          email: z.string().optional(),
          phone: z.string().optional(),
          user_id: z.string().optional(),
          anonymous_id: z.string().optional(),
          external_id: z.string().optional().openapi({ description: 'With `source`, e.g. hubspot' }),
          source: z.string().optional(),
          events: EventsQuery,
        }),
      },
      responses: { 200: json(ProfileSchema, 'The profile'), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { events, ...query } = c.req.valid('query');
      const view = await profileView(deps, await lookupProfile(deps, query), events);
      personalHeaders(c, view.id);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/profiles/{id}',
      summary: "A profile; a merged id answers with the survivor's profile (Content-Location names it)",
      middleware: read,
      request: { params: IdParams, query: z.object({ events: EventsQuery }) },
      responses: { 200: json(ProfileSchema, 'The profile'), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const deps = c.get('deps');
      const resolved = await resolveProfile(deps, c.req.valid('param').id);
      const view = await profileView(deps, resolved, c.req.valid('query').events);
      personalHeaders(c, view.id);
      return c.json(view, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/profiles/{id}/export',
      summary: 'GDPR access: everything held on the person, as one JSON document (streamed)',
      middleware: write,
      request: { params: IdParams },
      responses: { 200: json(ExportSchema, 'The export, as an attachment'), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const deps = c.get('deps');
      const resolved = await resolveProfile(deps, c.req.valid('param').id);
      const body = await exportProfile(deps, auditActor(c), resolved);
      const id = resolved.profile.id;
      personalHeaders(c, id, '/export');
      c.header('Content-Type', 'application/json; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${id}.json"`);
      // A streamed body cannot be typed as the schema's JSON; the schema documents what it holds.
      return c.body(body, 200) as never;
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'delete',
      path: '/v1/profiles/{id}',
      summary: 'GDPR erasure of the person (and every id merged into it); destinations follow',
      middleware: write,
      request: { params: IdParams },
      responses: {
        200: json(ErasureSchema, 'Erased here; propagation to destinations is pending'),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    async (c) => {
      const erasure = await eraseProfile(c.get('deps'), auditActor(c), c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      return c.json(erasure, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/deletions',
      summary: 'Erasures and their propagation to destinations, newest first',
      middleware: read,
      request: {
        query: z.object({
          status: z.enum(['pending', 'completed']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional(),
        }),
      },
      responses: {
        200: json(
          z.object({ items: z.array(DeletionSchema), nextCursor: z.string().nullable() }),
          'A page of deletions',
        ),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const cursor = query.cursor === undefined ? undefined : parseDeletionCursor(query.cursor);
      if (query.cursor !== undefined && !cursor) {
        throw new AppError('validation_failed', 'request validation failed', [
          { path: 'query.cursor', message: 'must be a nextCursor from a previous page' },
        ]);
      }
      return c.json(await listDeletions(c.get('deps'), { ...query, cursor }), 200);
    },
  );
