import { defineConnector } from '../../src/connector-kit/index.js';
import { checkSendgrid } from './check.js';
import { sendgridConfigSchema } from './config.js';
import { MAX_CONTACTS_PER_REQUEST, MAX_REQUEST_BYTES, removeContacts, upsertContacts } from './contacts.js';
import { ensureSendgridFields, planSendgridFields } from './fields.js';
import { setSendgridMembership } from './lists.js';
import { parseSendgridEvents, verifySendgridWebhook } from './webhook.js';

export { sendgridFieldPlan } from './fields.js';
export type { FieldPlan, PlannedField } from './mapper.js';

/**
 * Destination: SendGrid Marketing Campaigns contacts, custom fields and lists; inbound: the
 * Signed Event Webhook.
 *
 * Limits. Batches follow PUT /v3/marketing/contacts (30,000 contacts or 6 MB). SendGrid publishes
 * no fixed request budget for the Marketing endpoints: each answer carries X-RateLimit-Limit /
 * -Remaining / -Reset and a 429 names the reset time, which the kit turns into `retryAfterMs`.
 * The declared budget (2 in flight, 120 requests a minute) is deliberately below what accounts
 * are granted, because one upsert also spends requests polling its import job and SendGrid
 * processes import jobs of one account one after another anyway.
 */
export const sendgrid = defineConnector({
  id: 'sendgrid',
  displayName: 'SendGrid',
  description:
    'Push contacts, custom fields and list membership to SendGrid Marketing Campaigns, and receive its ' +
    'signed Event Webhook (delivered, open, click, bounce, dropped, spam report, unsubscribe).',
  configSchema: sendgridConfigSchema,
  limits: {
    batchSize: MAX_CONTACTS_PER_REQUEST,
    maxPayloadBytes: MAX_REQUEST_BYTES,
    concurrency: 2,
    requestsPerWindow: { requests: 120, windowMs: 60_000 },
  },
  runtimes: ['node', 'worker'],
  check: checkSendgrid,
  destination: {
    planFields: planSendgridFields,
    ensureFields: ensureSendgridFields,
    upsert: (ctx, config, batch) => upsertContacts(ctx, config, batch),
    setMembership: (ctx, config, list, add, remove) => setSendgridMembership(ctx, config, list, add, remove),
    remove: removeContacts,
    // DELETE /v3/marketing/contacts deletes for good; there is no softer removal to tell apart.
    erase: removeContacts,
  },
  webhook: {
    verify: verifySendgridWebhook,
    parse: (rawBody) => parseSendgridEvents(rawBody),
  },
});
