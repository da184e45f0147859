import { z } from 'zod';
import { secret } from '../../src/connector-kit/index.js';

/** SendGrid list ids are UUIDs; PUT /v3/marketing/contacts rejects anything else in `list_ids`. */
export const LIST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const sendgridConfigSchema = z.object({
  apiKey: secret(
    z.string().trim().min(1, 'apiKey is required').describe('A SendGrid API key with Marketing access'),
  ),
  listIds: z
    .array(
      z
        .string()
        .regex(LIST_ID, 'a list id is a UUID (Marketing > Contacts > the list, or GET /v3/marketing/lists)'),
    )
    .max(100)
    .optional()
    .describe('Lists every upserted contact is added to'),
  webhookPublicKey: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'Verification key of the Signed Event Webhook (base64 SPKI, with or without PEM armour). Without it, inbound events are refused.',
    ),
  webhookMaxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600)
    .describe(
      'Refuse signed events whose timestamp is older (or further in the future) than this; 0 turns the check off',
    ),
  baseUrl: z.url().optional().describe('For tests and proxies only: replaces https://api.sendgrid.com'),
});

export type SendgridConfig = z.output<typeof sendgridConfigSchema>;
