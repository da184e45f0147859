import { defineConnector } from '../../src/connector-kit/index.js';
import { checkHubspot } from './check.js';
import { HUBSPOT_BATCH_SIZE, hubspotCheckpointSchema, hubspotConfigSchema } from './config.js';
import {
  ensureHubspotFields,
  eraseHubspotContacts,
  removeHubspot,
  setHubspotMembership,
  upsertHubspot,
} from './destination.js';
import { readHubspotContacts } from './source.js';
import { parseHubspotWebhook, verifyHubspotWebhook } from './webhook.js';

/** HubSpot contacts, both ways, through the official SDK (@hubspot/api-client). */
export const hubspot = defineConnector({
  id: 'hubspot',
  displayName: 'HubSpot',
  description:
    'Read HubSpot contacts incrementally (deletions and merges included) and write contact properties, ' +
    'contacts (upsert by email) and static list membership. Authenticates with a private app token.',
  configSchema: hubspotConfigSchema,
  // HubSpot's published budget: 100 requests per 10 s per private app on the lowest tier (190 on
  // paid tiers); concurrency below the 5-per-second search limit.
  limits: {
    batchSize: HUBSPOT_BATCH_SIZE,
    concurrency: 5,
    requestsPerWindow: { requests: 100, windowMs: 10_000 },
  },
  runtimes: ['node', 'worker'],
  check: checkHubspot,
  source: { checkpointSchema: hubspotCheckpointSchema, read: readHubspotContacts },
  destination: {
    ensureFields: ensureHubspotFields,
    upsert: upsertHubspot,
    setMembership: setHubspotMembership,
    remove: removeHubspot,
    erase: eraseHubspotContacts,
  },
  webhook: {
    verify: (rawBody, headers, config) => verifyHubspotWebhook(rawBody, headers, config),
    parse: parseHubspotWebhook,
  },
});
