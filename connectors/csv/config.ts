import { z } from 'zod';
import { secret } from '../../src/connector-kit/index.js';

/** Records per batch; also the ceiling for the `batchSize` config field. */
export const CSV_BATCH_SIZE = 500;

/** Inline content lives in the config row; bigger files belong behind a URL. */
export const MAX_INLINE_CONTENT_LENGTH = 2_000_000;

const headerName = z.string().trim().min(1, 'a column name cannot be empty');

export const csvColumnsSchema = z
  .object({
    email: headerName.default('email'),
    phone: headerName.default('phone'),
    userId: headerName.default('user_id'),
    /** The source's own id column; without it, records are identified by row number. */
    externalId: headerName.optional(),
  })
  .describe('Header names of the identifier columns; every other column becomes a trait.');

export const csvConfigSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'url must be an http or https URL' })
      .optional()
      .describe('Where to download the CSV from.'),
    content: z
      .string()
      .min(1, 'content cannot be empty')
      .max(
        MAX_INLINE_CONTENT_LENGTH,
        `content is limited to ${MAX_INLINE_CONTENT_LENGTH} characters; use url`,
      )
      .optional()
      .describe('The CSV text itself, for small one-off imports.'),
    delimiter: z
      .string()
      .length(1, 'the delimiter is one character')
      .refine((d) => d !== '"' && d !== '\r' && d !== '\n', 'the delimiter cannot be a quote or a line break')
      .default(','),
    // prefault: `{}` is parsed, so each column name gets its own default.
    columns: csvColumnsSchema.prefault({}),
    /** Value of the Authorization header sent with the url request ("Bearer …", "Basic …"). */
    authorization: secret(
      z.string().min(1).describe('Authorization header value sent when fetching url.'),
    ).optional(),
    batchSize: z.number().int().min(1).max(CSV_BATCH_SIZE).default(CSV_BATCH_SIZE),
  })
  .superRefine((config, ctx) => {
    const hasUrl = config.url !== undefined;
    const hasContent = config.content !== undefined;
    if (hasUrl && hasContent) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'give either url or content, not both' });
    } else if (!hasUrl && !hasContent) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'give url (a CSV to download) or content (the CSV text)',
      });
    }
    if (!hasUrl && config.authorization !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorization'],
        message: 'authorization is only sent with url',
      });
    }
    // One column cannot be two identifiers; matching is case-insensitive, so compare that way.
    const seen = new Map<string, string>();
    for (const [role, name] of Object.entries(config.columns)) {
      if (name === undefined) continue;
      const key = name.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', role],
          message: `column "${name}" is already used for ${other}`,
        });
      }
      seen.set(key, role);
    }
  });

export type CsvConfig = z.output<typeof csvConfigSchema>;
export type CsvColumns = CsvConfig['columns'];

/** Resume point: every data row up to and including `row` has been handled. */
export const csvCheckpointSchema = z.object({ row: z.number().int().min(0) });
export type CsvCheckpoint = z.output<typeof csvCheckpointSchema>;
