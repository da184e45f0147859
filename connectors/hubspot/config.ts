import { z } from 'zod';
import { secret } from '../../src/connector-kit/index.js';

/** HubSpot's documented batch input ceiling (batch upsert, read, archive). */
export const HUBSPOT_BATCH_SIZE = 100;
/** Largest `limit` the CRM search endpoint accepts. */
export const SEARCH_PAGE_SIZE = 200;
/** The search endpoint never pages past this many results for one query. */
export const SEARCH_RESULT_CAP = 10_000;

export const DEFAULT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'lifecyclestage',
  'hs_object_id',
  'lastmodifieddate',
  'createdate',
] as const;

/** HubSpot internal property and group names: lower case, start with a letter. */
const INTERNAL_NAME = /^[a-z][a-z0-9_]{0,99}$/;

export const hubspotConfigSchema = z.object({
  accessToken: secret().describe('Private app access token (starts with "pat-").'),
  clientSecret: secret(
    z.string().min(1).describe('App client secret; needed only to verify webhook signatures (v3).'),
  ).optional(),
  basePath: z
    .url({ protocol: /^https?$/, error: 'basePath must be an http or https URL' })
    .optional()
    .describe('Overrides https://api.hubapi.com; for tests and proxies only.'),
  properties: z
    .array(z.string().regex(INTERNAL_NAME, 'a property name is lower case letters, digits and _'))
    .min(1)
    .default([...DEFAULT_PROPERTIES])
    .describe('Contact properties to read.'),
  propertyGroup: z
    .string()
    .regex(INTERNAL_NAME, 'a group name is lower case letters, digits and _')
    .default('esp_hub')
    .describe('Property group that holds the properties ESP Hub creates.'),
});

export type HubspotConfig = z.output<typeof hubspotConfigSchema>;

/**
 * Resume point of the contact read: every contact with (lastmodifieddate, id) up to and including
 * (`after`, `lastId`) has been handled. Inclusive on purpose: many contacts can share one
 * millisecond, so the time alone cannot say where a run stopped. `full` asks for a resync from
 * the beginning; checkpoints the read hands back never carry it.
 */
export const hubspotCheckpointSchema = z.object({
  after: z.iso.datetime({ offset: true }),
  lastId: z.string(),
  full: z.boolean().optional(),
});
export type HubspotCheckpoint = z.output<typeof hubspotCheckpointSchema>;
