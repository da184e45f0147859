import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import { AppError, errorEnvelope } from '../http/errors.js';
import { createPollGate } from '../http/poll-gate.js';
import { requestHeaders } from '../http/request-headers.js';
import { createRouter, errorResponses } from '../http/router.js';
import { instrumentsFor } from '../services/personalize/instruments.js';
import {
  authenticatePersonalizeKey,
  knownPersonalizeKey,
  presentedKey,
} from '../services/personalize/key-auth.js';
import { FORMATS, IDENTIFIER_PARAMS, MAX_N } from '../services/personalize/params.js';
import { personalize, settingsFor, settingsInMemory } from '../services/personalize/personalize.js';
import { SLOT_NAMES } from '../services/personalize/settings.js';

const REQUEST_ID = /^[\w\-=.:]{1,255}$/;

/**
 * Sends on Node wait until the poll phase is over, then run together (see poll-gate.ts): 64 at a
 * time keeps the first of a large burst from waiting more than a few milliseconds for the rest.
 */
const afterPollPhase = createPollGate(64);

/**
 * GET /v1/personalize, the send-time webhook. It takes its dependencies here rather than from the
 * app's middleware because app.ts registers it ahead of that middleware (request id, secure
 * headers): it sets what it needs itself, since every send pays for whatever runs here.
 */
export function personalizeRoutes(deps: AppDeps) {
  const router = createRouter();
  const { metrics, buckets } = instrumentsFor(deps);

  router.get('/v1/personalize', async (c) => {
    const started = performance.now();
    const header = requestHeaders(c);
    const callerId = header('x-request-id');
    const requestId = callerId && REQUEST_ID.test(callerId) ? callerId : crypto.randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    const query = c.req.query();
    if (deps.runtime === 'node') await afterPollPhase();
    try {
      // Known key and cached settings (nearly every send) are taken as they are: each `await` costs
      // a turn of the microtask queue even when there is nothing to wait for.
      const key = presentedKey(header, query.key);
      const principal = knownPersonalizeKey(deps, key) ?? (await authenticatePersonalizeKey(deps, key));
      const settingsRead = settingsInMemory(deps) ?? (await settingsFor(deps));
      const { rateLimit } = settingsRead.settings.recommendations.webhook;
      const allowed = buckets.take(principal.keyId, rateLimit, Date.now());
      if (!allowed.ok) {
        metrics.refusedWith('rate_limited');
        c.header('X-Request-Id', requestId);
        return c.json(
          errorEnvelope(
            'rate_limited',
            `more than ${rateLimit.perSecond} requests per second for this key`,
            requestId,
          ),
          429,
          { 'Retry-After': String(allowed.retryAfterS) },
        );
      }
      const answering = personalize(deps, query, {
        requestId,
        settings: settingsRead,
        ifNoneMatch: header('if-none-match'),
      });
      const answer = answering instanceof Promise ? await answering : answering;
      metrics.answered(answer.outcome, performance.now() - started, answer.slotFallback);
      // A Response with a plain header object: Hono's c.body() builds a Headers object for more
      // than one header, and the Node adapter then converts it back; this goes out as it is.
      return new Response(answer.status === 304 ? null : answer.body, {
        status: answer.status,
        headers: {
          'Content-Type': answer.contentType,
          ETag: answer.etag,
          'Cache-Control': answer.cacheControl,
          'X-Content-Type-Options': 'nosniff',
          'X-Request-Id': requestId,
        },
      });
    } catch (error) {
      // The error handler answers through the context: it carries the request id from here.
      c.header('X-Request-Id', requestId);
      if (error instanceof AppError) {
        metrics.refusedWith(error.status === 401 || error.status === 403 ? 'unauthorized' : 'bad_request');
      }
      throw error;
    }
  });

  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/personalize',
    tags: ['personalization'],
    summary: 'Send-time content for one recipient (ESP Connected Content, data feeds, HTTPGet)',
    description:
      'Deterministic per profile and send_id (or the current hour): every call of one send gets the same ' +
      'answer, with an ETag (If-None-Match gives 304) and Cache-Control. Never a 5xx: an unknown profile, ' +
      'an internal error or the time budget (settings recommendations.webhook.budgetMs, default 50 ms) ' +
      'answers 200 with fallback content and `fallback: true`. Key in a header or `key=` in the URL. ' +
      'See docs/personalization.md.',
    security: [{ bearerAuth: [] }],
    request: {
      query: z.object({
        ...Object.fromEntries(IDENTIFIER_PARAMS.map((param) => [param, z.string().optional()])),
        source: z.string().optional().openapi({ description: 'With external_id: the system that issued it' }),
        slots: z
          .string()
          .optional()
          .openapi({
            description: `Comma-separated: ${SLOT_NAMES.join(', ')} (default recs)`,
            example: 'hero,recs',
          }),
        n: z.coerce
          .number()
          .int()
          .min(1)
          .max(MAX_N)
          .optional()
          .openapi({ description: 'Items per slot (default 4)' }),
        send_id: z
          .string()
          .optional()
          .openapi({ description: 'The campaign send: the answer is fixed per send' }),
        format: z.enum(FORMATS).optional().openapi({ description: 'json (default), or the slots rendered' }),
        key: z
          .string()
          .optional()
          .openapi({ description: 'The personalize API key, for ESPs that only template URLs' }),
      }),
    },
    responses: {
      200: {
        description:
          'Merge fields and per slot the items, fallback, level and confidence (or the rendered slots)',
        content: {
          'application/json': { schema: z.record(z.string(), z.unknown()) },
          'text/html': { schema: z.string() },
          'text/plain': { schema: z.string() },
        },
      },
      304: { description: 'Not modified (If-None-Match)' },
      429: { description: "Over the key's rate limit; see Retry-After" },
      ...errorResponses(400, 401, 403),
    },
  });
  return router;
}
