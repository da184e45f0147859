import { createRoute, z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter, errorResponses } from '../http/router.js';
import { type CsvInput, checkCsvContentType, openCsvInput } from '../services/imports/csv-input.js';
import { DATE_FORMATS } from '../services/imports/dates.js';
import { importOrders, ORDER_WINDOW_ROWS } from '../services/imports/orders.js';
import {
  collectReport,
  type ImportReport,
  type ImportRun,
  MAX_JSON_RESULTS,
  ndjsonStream,
} from '../services/imports/output.js';
import { importProducts } from '../services/imports/products.js';
import { importProfiles } from '../services/imports/profiles.js';
import { ROW_STATUSES } from '../services/imports/results.js';

const RowResultSchema = z
  .object({
    row: z
      .number()
      .int()
      .openapi({ description: 'Data row: 1 is the first row after the header', example: 1 }),
    line: z.number().int().openapi({ description: 'Line of the file the row starts on', example: 2 }),
    status: z.enum(ROW_STATUSES),
    id: z.string().optional().openapi({ description: 'Profile id, order id (from the file) or product id' }),
    profileId: z.string().optional().openapi({ description: 'Orders: the profile the order belongs to' }),
    column: z.string().optional().openapi({ description: 'Rejected: the column at fault, as in the header' }),
    reason: z.string().optional().openapi({ example: "price: 'abc' is not a number" }),
  })
  .openapi('ImportRowResult');

const SummarySchema = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  })
  .openapi('ImportSummary');

const ReportSchema = z
  .object({
    summary: SummarySchema,
    results: z.array(RowResultSchema).openapi({
      description: `Every row's result in row order; past ${MAX_JSON_RESULTS} rows only the rejected rows`,
    }),
    omittedResults: z.number().int(),
    note: z.string().optional(),
  })
  .openapi('ImportReport');

const delimiter = z
  .string()
  .default(',')
  .transform((value) => (value.toLowerCase() === 'tab' ? '\t' : value))
  .refine(
    (value) => value.length === 1 && value !== '"' && value !== '\r' && value !== '\n',
    "must be one character (or 'tab') other than a quote or a line break",
  )
  .openapi({ description: "Field delimiter: one character, or 'tab'", example: ';' });
const column = (description: string) => z.string().trim().min(1).max(200).optional().openapi({ description });

const identifierQuery = {
  source: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be 1-64 letters, digits, or _ . : -')
    .default('csv')
    .openapi({ description: 'Source name for trait precedence and order ids (re-import with the same one)' }),
  delimiter,
  email_column: column('Header of the email column (default: email or email_address)'),
  phone_column: column('Header of the phone column (default: phone, phone_number or mobile)'),
  user_id_column: column('Header of the user id column (default: user_id)'),
  external_id_column: column(
    "Header of a column with the source's own id, matched as identifier external:<external_source>",
  ),
  external_source: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional()
    .openapi({ description: 'Namespace of external_id_column (default: source)' }),
};
const externalSourceNeedsColumn = (
  query: { external_id_column?: string; external_source?: string },
  ctx: z.RefinementCtx,
) => {
  if (query.external_source !== undefined && query.external_id_column === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['external_source'],
      message: 'is only used with external_id_column',
    });
  }
};
const ProfileQuery = z.object(identifierQuery).superRefine(externalSourceNeedsColumn);
const OrderQuery = z
  .object({
    ...identifierQuery,
    date_format: z.enum(DATE_FORMATS).default('iso').openapi({
      description: 'How to read D/M/Y-style dates: mdy (3/31/2026) or dmy (31/3/2026); ISO is always read',
    }),
  })
  .superRefine(externalSourceNeedsColumn);
const ProductQuery = z.object({ delimiter });

const csvBody = (description: string, example: string) => ({
  required: true,
  description,
  content: { 'text/csv': { schema: z.string().openapi({ example }) } },
});

const reportResponses = {
  200: {
    description:
      'Row results. Default: JSON with the summary and results. With `Accept: application/x-ndjson`: ' +
      'one JSON line per row as it is written, then `{"summary": …}` (with `"error"` if the file ' +
      'became unreadable part-way: the rows before it are stored).',
    content: {
      'application/json': { schema: ReportSchema },
      'application/x-ndjson': {
        schema: z
          .string()
          .openapi({ example: '{"row":1,"line":2,"status":"created","id":"prof_…"}\n{"summary":{…}}' }),
      },
    },
  },
  ...ADMIN_ERRORS,
  ...errorResponses(413),
};

const write = requirePermission('admin:write');
const base = { tags: ['imports'], security: bearerSecurity, middleware: write, method: 'post' as const };

/**
 * Reads the header, lets the importer check it (a 400 before any row is stored), then runs the
 * import answering JSON, or NDJSON as rows are written when the client asks for it.
 */
async function runImport(
  c: Context<AppEnv>,
  kind: string,
  delimiterChar: string,
  start: (input: CsvInput) => ImportRun,
) {
  checkCsvContentType(c.req.header('content-type'));
  const deps = c.get('deps');
  // Until the app-wide body limit exempts imports, it caps them first; this counts bytes as they
  // stream, which also covers bodies sent without Content-Length.
  const input = await openCsvInput(c.req.raw.body, {
    delimiter: delimiterChar,
    maxBytes: deps.settings.maxBodyBytes,
  });
  let run: ImportRun;
  try {
    run = start(input);
  } catch (error) {
    await input.close();
    throw error;
  }
  const info = { kind, logger: deps.logger, requestId: c.get('requestId') };
  if (/application\/(x-)?ndjson/i.test(c.req.header('accept') ?? '')) {
    const stream = c.body(ndjsonStream(run, info), 200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
    });
    // zod-openapi types JSON and text responses only; the documented NDJSON body is a plain stream.
    return stream as unknown as TypedResponse<ImportReport, 200, 'json'>;
  }
  return c.json(await collectReport(run, info), 200);
}

const identifierOptions = (query: z.output<typeof ProfileQuery>) => ({
  source: query.source,
  emailColumn: query.email_column,
  phoneColumn: query.phone_column,
  userIdColumn: query.user_id_column,
  externalIdColumn: query.external_id_column,
  externalSource: query.external_source,
});

export const importRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      path: '/v1/admin/imports/profiles',
      summary: 'Import profiles from CSV (identifiers, consent, every other column a trait)',
      description:
        'Identifier columns: email, phone, user_id (or named with *_column), and an external id. ' +
        'Optional email_consent / sms_consent / push_consent: subscribed, unsubscribed or never. ' +
        'Every other column becomes a trait under its header; empty cells set nothing. ' +
        'Invalid emails and phones are stored as given and flagged.',
      request: {
        query: ProfileQuery,
        body: csvBody(
          'The CSV file, header first, UTF-8',
          'email,first_name,email_consent\nann@example.com,Ann,subscribed\n',
        ),
      },
      responses: reportResponses,
    }),
    async (c) => {
      const query = c.req.valid('query');
      return runImport(c, 'profiles', query.delimiter, (input) =>
        importProfiles(c.get('deps'), input, identifierOptions(query)),
      );
    },
  )
  .openapi(
    createRoute({
      ...base,
      path: '/v1/admin/imports/orders',
      summary: 'Import orders from CSV, one row per order line',
      description:
        "Rows with the same order_id form one order (an 'Order Completed' event with products[]); " +
        `they may be anywhere within ${ORDER_WINDOW_ROWS} rows of each other. Order columns: order_id, ` +
        'ordered_at, currency, total, revenue, discount, shipping, tax, coupon, status ' +
        '(completed, refunded, cancelled) and the identifiers; line columns: product_id, sku, name, ' +
        'category, price, quantity; other columns are kept on the line. Importing an order again is ' +
        "recognised by (source, order_id) and reported 'unchanged' (or 'updated' when its status moved on).",
      request: {
        query: OrderQuery,
        body: csvBody(
          'The CSV file, header first, UTF-8',
          'order_id,email,ordered_at,product_id,price,quantity,currency\n1001,ann@example.com,2026-03-31T14:05:00Z,sku-1,19.90,2,EUR\n',
        ),
      },
      responses: reportResponses,
    }),
    async (c) => {
      const query = c.req.valid('query');
      return runImport(c, 'orders', query.delimiter, (input) =>
        importOrders(c.get('deps'), input, { ...identifierOptions(query), dateFormat: query.date_format }),
      );
    },
  )
  .openapi(
    createRoute({
      ...base,
      path: '/v1/admin/imports/products',
      summary: 'Import catalog products from CSV (upsert by id)',
      description:
        'Columns: id, title, url, image_url, price, currency, category, in_stock and active ' +
        '(true/false, 1/0, yes/no); other columns go into properties. Each row is a whole product, ' +
        'as with PUT /v1/catalog/products.',
      request: {
        query: ProductQuery,
        body: csvBody(
          'The CSV file, header first, UTF-8',
          'id,title,price,currency,url\nsku-1,Trail shoe,129.90,EUR,https://shop.example.com/p/sku-1\n',
        ),
      },
      responses: reportResponses,
    }),
    async (c) =>
      runImport(c, 'products', c.req.valid('query').delimiter, (input) =>
        importProducts(c.get('deps'), input),
      ),
  );
