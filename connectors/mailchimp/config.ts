import { z } from 'zod';
import { secret } from '../../src/connector-kit/index.js';

/** Mailchimp keys end in their data center ("…-us21"); the API host is named after it. */
const DATA_CENTER = /^[a-z]+\d+$/;
const KEY_SUFFIX = /-([a-z]+\d+)$/;

/**
 * Statuses a new member may be created with. "cleaned" is Mailchimp's verdict on a bouncing
 * address, not something a sync should ever assert about a new contact.
 */
export const STATUS_IF_NEW = ['subscribed', 'pending', 'unsubscribed', 'transactional'] as const;

export const mailchimpConfigSchema = z
  .object({
    apiKey: secret(
      z
        .string()
        .min(1)
        .describe('Mailchimp API key ("…-us21"); the part after the dash names the data center.'),
    ),
    server: z
      .string()
      .regex(DATA_CENTER, 'server is a data center such as "us21"')
      .optional()
      .describe('Data center; only needed when the key does not end in one (OAuth tokens).'),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'baseUrl must be an http or https URL' })
      .optional()
      .describe('Tests and proxies only: replaces https://<server>.api.mailchimp.com/3.0.'),
    listId: z.string().trim().min(1, 'listId (the audience id) is required').describe('Audience id.'),
    statusIfNew: z
      .enum(STATUS_IF_NEW)
      .default('subscribed')
      .describe('Status given to contacts new to the audience; existing contacts keep theirs.'),
    webhookSecret: secret(
      z
        .string()
        .min(16, 'webhookSecret needs at least 16 characters')
        .describe('The ?secret= of the webhook URL.'),
    ).optional(),
    useStaticSegments: z
      .boolean()
      .default(false)
      .describe(
        'Write segment membership through static segments (500 per call) rather than per-contact tags.',
      ),
  })
  .superRefine((config, ctx) => {
    if (config.server === undefined && config.baseUrl === undefined && !KEY_SUFFIX.test(config.apiKey)) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message: 'the API key does not end in a data center ("-us21"); set server',
      });
    }
  });

export type MailchimpConfig = z.output<typeof mailchimpConfigSchema>;

/** The API root every path is appended to (no trailing slash). */
export function apiRoot(config: MailchimpConfig): string {
  if (config.baseUrl !== undefined) return config.baseUrl.replace(/\/+$/, '');
  const server = config.server ?? KEY_SUFFIX.exec(config.apiKey)?.[1];
  return `https://${server}.api.mailchimp.com/3.0`;
}
