import { z } from 'zod';
import { isScoreName, SCORE_NAMES } from '../services/scores/read.js';

/** Simple transforms applied in order to a mapped value before it is sent. */
export const transformSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('format_date'), format: z.enum(['iso', 'date', 'unix']).default('date') }),
  z.object({ type: z.literal('truncate'), length: z.number().int().min(1) }),
  z.object({ type: z.literal('default'), value: z.union([z.string(), z.number(), z.boolean()]) }),
  z.object({
    type: z.literal('map_values'),
    values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    otherwise: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  }),
  z.object({ type: z.literal('uppercase') }),
  z.object({ type: z.literal('lowercase') }),
]);
export type Transform = z.infer<typeof transformSchema>;

const SEGMENT_ID = /^seg_[a-z0-9]+$/;

/** Where a mapped value comes from. */
export const METRIC_SOURCES = [
  'orderCount',
  'totalSpent',
  'averageOrderValue',
  'firstOrderAt',
  'lastOrderAt',
  'engagementScore',
  'lastViewedProductId',
  'lastViewedCategory',
  'lastViewedAt',
  'cartValue',
  'cartUpdatedAt',
  'eventCount',
  'lastEventAt',
] as const;

const SOURCE_PATTERN =
  /^(traits\.[^\s]+|metrics\.[A-Za-z]+|scores\.[a-z_]+|segments\.seg_[a-z0-9]+|recs\.[1-9][0-9]?\.(id|title|url|image|price|currency)|primary_segment\.[^\s]+|identity\.(email|phone|user_id)|consent\.(email|sms|push)|profile\.id)$/;

export const fieldMappingSchema = z
  .object({
    from: z
      .string()
      .regex(
        SOURCE_PATTERN,
        'must be traits.<name>, metrics.<name>, scores.<name>, segments.<segment id>, primary_segment.<group>, recs.<1-20>.id|title|url|image|price|currency, identity.email|phone|user_id, consent.email|sms|push or profile.id',
      ),
    /** The destination's field (merge field tag, custom field name, property name). */
    to: z.string().trim().min(1).max(100),
    type: z.enum(['text', 'number', 'date', 'boolean']).default('text'),
    transforms: z.array(transformSchema).default([]),
  })
  .refine(
    (mapping) =>
      !mapping.from.startsWith('metrics.') ||
      (METRIC_SOURCES as readonly string[]).includes(mapping.from.slice(8)),
    {
      message: `unknown metric; known: ${METRIC_SOURCES.join(', ')}`,
      path: ['from'],
    },
  )
  .refine((mapping) => !mapping.from.startsWith('scores.') || isScoreName(mapping.from.slice(7)), {
    message: `unknown score; known: ${SCORE_NAMES.join(', ')}`,
    path: ['from'],
  })
  .refine((mapping) => !mapping.from.startsWith('recs.') || Number(mapping.from.split('.')[1]) <= 20, {
    message: 'at most 20 recommendation slots (recs.1 … recs.20)',
    path: ['from'],
  });
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/**
 * The blast guard: a run that would blank a mapped field on more than `maxBlankedShare` of the
 * contacts already delivered, or remove more than `maxRemovedShare` of a list's members, stops
 * before writing and waits for an admin. Counts below `minCount` never trip it, so a small sync
 * is not held up for a handful of contacts.
 */
export const blastGuardSchema = z.object({
  enabled: z.boolean().default(true),
  maxBlankedShare: z.number().min(0).max(1).default(0.2),
  maxRemovedShare: z.number().min(0).max(1).default(0.2),
  minCount: z.number().int().min(1).default(100),
});
export type BlastGuardSettings = z.output<typeof blastGuardSchema>;

export const syncDefinitionSchema = z
  .object({
    /**
     * upsert: create and update contacts, add them to their lists; update_only: skip profiles this
     * sync has never delivered; mirror: upsert, and also take out of each list whoever left its
     * segment (or the sync's source segment).
     */
    mode: z.enum(['upsert', 'update_only', 'mirror']).default('upsert'),
    /** Which profiles the sync covers: all live ones, or the members of one segment. */
    source: z
      .object({ segment: z.string().regex(SEGMENT_ID, 'must be a segment id (seg_…)').optional() })
      .prefault({}),
    /** Segment membership as destination lists (Mailchimp tags or static segments, SendGrid lists, HubSpot lists). */
    lists: z
      .array(
        z.object({
          segment: z.string().regex(SEGMENT_ID, 'must be a segment id (seg_…)'),
          list: z.string().trim().min(1).max(100),
        }),
      )
      .max(50)
      .default([]),
    fields: z.array(fieldMappingSchema).min(1, 'map at least one field'),
    /** Profiles per page read from the database (not the vendor batch size: that is the connector's). */
    pageSize: z.number().int().min(10).max(5000).default(500),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(10).default(5),
        baseDelayMs: z.number().int().min(1).max(60_000).default(500),
        maxDelayMs: z.number().int().min(1).max(600_000).default(30_000),
      })
      .prefault({}),
    blastGuard: blastGuardSchema.prefault({}),
  })
  .superRefine((definition, ctx) => {
    const seen = new Map<string, number>();
    definition.fields.forEach((field, index) => {
      const other = seen.get(field.to.toLowerCase());
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'to'],
          message: `'${field.to}' is already mapped by fields.${other}`,
        });
      }
      seen.set(field.to.toLowerCase(), index);
    });
    const lists = new Map<string, number>();
    definition.lists.forEach((entry, index) => {
      const other = lists.get(entry.list.toLowerCase());
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['lists', index, 'list'],
          message: `'${entry.list}' is already fed by lists.${other}`,
        });
      }
      lists.set(entry.list.toLowerCase(), index);
    });
  });

/** Every segment a sync reads: its source, its lists and the segments.<id> fields. */
export function segmentsOfSync(definition: SyncDefinition): string[] {
  const ids = new Set<string>();
  if (definition.source.segment) ids.add(definition.source.segment);
  for (const entry of definition.lists) ids.add(entry.segment);
  for (const field of definition.fields) if (field.from.startsWith('segments.')) ids.add(field.from.slice(9));
  return [...ids];
}
export type SyncDefinition = z.output<typeof syncDefinitionSchema>;
export type SyncDefinitionInput = z.input<typeof syncDefinitionSchema>;
