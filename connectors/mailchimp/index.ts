import { defineConnector } from '../../src/connector-kit/index.js';
import { checkMailchimp } from './check.js';
import { mailchimpConfigSchema } from './config.js';
import { ensureMergeFields, planMergeFields } from './fields.js';
import { archiveMembers, eraseMembers, MAILCHIMP_BATCH_SIZE, upsertMembers } from './members.js';
import { setMembership } from './membership.js';
import { parseMailchimpWebhook, verifyMailchimpWebhook } from './webhook.js';

export { subscriberHash } from './md5.js';

import { validateMailchimpTag } from './tags.js';

export { baseTagFor, validateMailchimpTag } from './tags.js';
export { REQUEST_URL_HEADER } from './webhook.js';

/**
 * Destination: one Mailchimp audience. Contacts are upserted by email with merge fields, segment
 * membership is written as tags (or static segments), and Mailchimp's webhooks bring
 * unsubscribes, bounces and profile or address changes back.
 */
export const mailchimp = defineConnector({
  id: 'mailchimp',
  displayName: 'Mailchimp',
  description:
    'Sync contacts, merge fields and segment membership (tags or static segments) to a Mailchimp audience, ' +
    'and receive unsubscribes, cleaned addresses and profile changes through its webhooks.',
  configSchema: mailchimpConfigSchema,
  // Mailchimp publishes a cap on simultaneous connections per account (10), not a request rate,
  // so no requestsPerWindow is declared. Every call here holds one connection at a time.
  limits: { batchSize: MAILCHIMP_BATCH_SIZE, concurrency: 10 },
  runtimes: ['node', 'worker'],
  check: checkMailchimp,
  destination: {
    validateFieldKey: (key) => {
      const validation = validateMailchimpTag(key);
      return validation.ok ? undefined : validation.message;
    },
    planFields: planMergeFields,
    ensureFields: ensureMergeFields,
    upsert: upsertMembers,
    setMembership,
    remove: archiveMembers,
    erase: eraseMembers,
  },
  webhook: { verify: verifyMailchimpWebhook, parse: parseMailchimpWebhook },
});
