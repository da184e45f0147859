import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../http/errors.js';
import { createRouter, errorResponses } from '../http/router.js';
import { loadConnection } from '../services/connections.js';
import { receiveWebhook } from '../services/webhooks/inbound.js';

const base = { tags: ['webhooks'] };
const Params = z.object({
  connectionId: z.string().regex(/^conn_[a-z0-9]+$/, 'must be a connection id (conn_…)'),
});
const SummarySchema = z
  .object({
    received: z.number().int(),
    stored: z.number().int(),
    duplicates: z.number().int(),
    unresolved: z.number().int(),
  })
  .openapi('WebhookSummary');

/**
 * Inbound ESP webhooks. No API key: ESPs cannot send one, so the connection's own verification
 * (Mailchimp's URL secret, SendGrid's ECDSA signature, HubSpot's v3 HMAC) is the authentication.
 */
export const webhookRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/webhooks/{connectionId}',
      summary:
        "Receive a connection's webhook: verified over the raw body, deduplicated by event id, then ingested " +
        '(events, consent, profile changes). The body is whatever the ESP sends (JSON or form).',
      request: { params: Params },
      responses: {
        200: {
          description: 'Taken (also for redeliveries, counted as duplicates)',
          content: { 'application/json': { schema: SummarySchema } },
        },
        ...errorResponses(400, 401, 404, 413),
      },
    }),
    async (c) => {
      const summary = await receiveWebhook(c.get('deps'), {
        connectionId: c.req.valid('param').connectionId,
        rawBody: new Uint8Array(await c.req.arrayBuffer()),
        headers: c.req.raw.headers,
        url: publicUrlOf(c.req.url, c.get('deps').settings.publicUrl),
        method: c.req.method,
      });
      return c.json(summary, 200);
    },
  )
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/webhooks/{connectionId}',
      summary: 'URL validation: Mailchimp calls the webhook URL with GET when it is saved and wants a 200',
      request: { params: Params },
      responses: {
        200: {
          description: 'The connection receives webhooks here',
          content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } },
        },
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      const { row, connector } = await loadConnection(c.get('deps'), c.req.valid('param').connectionId);
      if (!connector.webhook)
        throw new AppError('not_found', `connection ${row.id} does not receive webhooks`);
      return c.json({ ok: true as const }, 200);
    },
  );

/** The URL the sender called: behind a proxy, the public origin with this request's path and query. */
export function publicUrlOf(requestUrl: string, publicOrigin: string | undefined): string {
  if (!publicOrigin) return requestUrl;
  const url = new URL(requestUrl);
  return `${publicOrigin}${url.pathname}${url.search}`;
}
