import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-deps.js';
import { createRouter, errorResponses } from '../http/router.js';
import { SEGMENT_TYPES, type SegmentType, segmentSchemas } from '../ingest/segment-message.js';
import { batchBodyLimit, readPayload, segmentAuth } from './segment/body.js';
import { type Ticket, ticket } from './segment/group-commit.js';
import { ingestBatch, ingestOne, type MessageResult } from './segment/ingest-messages.js';

/**
 * The Segment tracking API (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/),
 * so analytics-node, analytics.js and the mobile libraries send here by changing only their host.
 * Requests are documented through the OpenAPI registry but validated per message in
 * ingest-messages.ts, not by the router: a batch stores its good messages and lists the bad ones,
 * and analytics.js posts its JSON as text/plain, which the router's JSON validator would refuse.
 */

const ResultSchema = z
  .object({
    index: z.number().int().openapi({ description: 'Position of the message in the request' }),
    status: z.enum(['stored', 'duplicate', 'rejected']),
    messageId: z.string().optional().openapi({ description: 'As sent, or derived from the message hash' }),
    profileId: z.string().optional(),
    reason: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('SegmentMessageResult');

const ResponseSchema = z
  .object({ success: z.literal(true), results: z.array(ResultSchema) })
  .openapi('SegmentResponse');

const typed = <T extends SegmentType>(type: T) => segmentSchemas[type].extend({ type: z.literal(type) });
const BatchSchema = z
  .object({
    batch: z.array(
      z.union([
        typed('identify'),
        typed('track'),
        typed('page'),
        typed('screen'),
        typed('group'),
        typed('alias'),
      ]),
    ),
    context: z.record(z.string(), z.unknown()).optional().openapi({
      description: "Merged into every message's context (the message's own keys win)",
    }),
    sentAt: z.string().optional(),
    writeKey: z
      .string()
      .optional()
      .openapi({ description: 'Only read when no Authorization header is sent' }),
  })
  .openapi('SegmentBatch');

const security: Array<Record<string, string[]>> = [{ segmentWriteKey: [] }, { bearerAuth: [] }];
const responses = {
  200: {
    description: 'Accepted; `results` says per message whether it was stored, a duplicate or rejected',
    content: { 'application/json': { schema: ResponseSchema } },
  },
  ...errorResponses(400, 401, 403, 413),
};

const SUMMARIES: Record<SegmentType, string> = {
  identify: 'Identify a person: traits (context.traits and traits carry email/phone)',
  track: 'Record an action; Segment e-commerce events fill orders, carts and browsing',
  page: 'Record a page view',
  screen: 'Record a screen view',
  group: 'Associate a person with a group (stored as an event)',
  alias: 'Join previousId to userId',
};

/** analytics.js posts to one-letter paths under its API host (`…/v1/t`, `/v1/b` for batches). */
const SHORT_PATHS: Record<SegmentType, string> = {
  identify: '/v1/i',
  track: '/v1/t',
  page: '/v1/p',
  screen: '/v1/s',
  group: '/v1/g',
  alias: '/v1/a',
};

/** Takes the request's place in the group commit first, so a commit about to start waits for it. */
async function inGroup(c: Context<AppEnv>, work: (place: Ticket) => Promise<MessageResult[]>) {
  const place = ticket(c.get('deps'));
  try {
    return c.json({ success: true, results: await work(place) }, 200);
  } finally {
    place.release();
  }
}

export const segmentRoutes = createRouter();

segmentRoutes.openAPIRegistry.registerComponent('securitySchemes', 'segmentWriteKey', {
  type: 'http',
  scheme: 'basic',
  description:
    'An ingest API key as the user name and an empty password, the way Segment libraries send their write key',
});

for (const type of SEGMENT_TYPES) {
  const route = createRoute({
    method: 'post',
    path: `/v1/${type}`,
    tags: ['ingest'],
    security,
    summary: SUMMARIES[type],
    description:
      'A malformed message answers 400 listing each bad path; a message over 32 KB answers 413. Idempotent on messageId.',
    request: { body: { required: true, content: { 'application/json': { schema: segmentSchemas[type] } } } },
    responses,
  });
  segmentRoutes.openAPIRegistry.registerPath(route);
  const handler = (c: Context<AppEnv>) =>
    inGroup(c, async (place) => [await ingestOne(c.get('deps'), type, await readPayload(c), place)]);
  segmentRoutes.post(route.path, batchBodyLimit, segmentAuth, handler);
  segmentRoutes.post(SHORT_PATHS[type], batchBodyLimit, segmentAuth, handler);
}

const batchRoute = createRoute({
  method: 'post',
  path: '/v1/batch',
  tags: ['ingest'],
  security,
  summary: 'Send many calls at once (what analytics-node sends)',
  description:
    'Each message is validated on its own: malformed ones come back `rejected` with the reason while the rest ' +
    'are stored (200). A body over 500 KB answers 413; a message over 32 KB inside it is rejected. ' +
    'Idempotent on messageId: a repeated one answers `duplicate` and is stored once.',
  request: { body: { required: true, content: { 'application/json': { schema: BatchSchema } } } },
  responses,
});
segmentRoutes.openAPIRegistry.registerPath(batchRoute);
const batchHandler = (c: Context<AppEnv>) =>
  inGroup(c, async (place) => ingestBatch(c.get('deps'), await readPayload(c), place));
// `/v1/import` is the HTTP API's older name for batch; `/v1/b` is where analytics.js batches go.
for (const path of ['/v1/batch', '/v1/import', '/v1/b']) {
  segmentRoutes.post(path, batchBodyLimit, segmentAuth, batchHandler);
}
