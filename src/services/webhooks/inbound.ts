import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import type { InboundEvent } from '../../connector-kit/types.js';
import { chunked } from '../../db/chunk.js';
import { suppressions, webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { ingest } from '../../ingest/pipeline.js';
import { errorFields } from '../../lib/logger.js';
import { loadConnection } from '../connections.js';
import { suppressionRow } from '../suppressions.js';
import { toIngestRecord, unsubscribes } from './to-records.js';

/**
 * Headers the connectors' `verify` trusts to carry what the host saw (see each connector's
 * webhook.ts). The route overwrites them with the request it received, never the caller's values.
 */
export const TRUSTED_HEADERS = {
  /** Mailchimp: the URL, whose `?secret=` is the credential. */
  requestUrl: 'x-esp-hub-request-url',
  /** HubSpot v3: the URL and method it signed. */
  url: 'x-esp-hub-url',
  method: 'x-esp-hub-method',
} as const;

export interface InboundRequest {
  connectionId: string;
  rawBody: Uint8Array;
  headers: Headers;
  /** The URL the request arrived on, as the vendor called it. */
  url: string;
  method: string;
}

export interface WebhookSummary {
  received: number;
  stored: number;
  duplicates: number;
  /** Events naming no one we can identify (no address): acknowledged, not stored. */
  unresolved: number;
}

/**
 * Takes one delivery: verifies the raw bytes before anything is parsed, claims each event id
 * (the primary key on webhook_events makes a redelivery, even to another instance, a duplicate),
 * ingests the claimed events, and queues unsubscribes for the other destinations. When ingest
 * fails the claims are released, so the vendor's retry is processed rather than swallowed.
 */
export async function receiveWebhook(deps: AppDeps, request: InboundRequest): Promise<WebhookSummary> {
  const { row, connector, config } = await loadConnection(deps, request.connectionId);
  const webhook = connector.webhook;
  if (!webhook) throw new AppError('not_found', `connection ${row.id} does not receive webhooks`);

  const headers = new Headers(request.headers);
  headers.set(TRUSTED_HEADERS.requestUrl, request.url);
  headers.set(TRUSTED_HEADERS.url, request.url);
  headers.set(TRUSTED_HEADERS.method, request.method.toUpperCase());
  const verified = await webhook.verify(request.rawBody, headers, config).catch((error: unknown) => {
    deps.logger.error('webhook verification threw', { connectionId: row.id, ...errorFields(error) });
    return false;
  });
  if (!verified) {
    deps.logger.warn('webhook rejected: verification failed', {
      connectionId: row.id,
      connectorId: row.connectorId,
    });
    throw new AppError('unauthorized', 'webhook verification failed');
  }

  let parsed: InboundEvent[];
  try {
    parsed = webhook.parse(request.rawBody, headers);
  } catch (error) {
    deps.logger.warn('webhook body could not be parsed', { connectionId: row.id, ...errorFields(error) });
    throw new AppError('bad_request', `the body is not a ${connector.displayName} webhook payload`);
  }
  const unique = new Map<string, InboundEvent>();
  for (const event of parsed) if (!unique.has(event.eventId)) unique.set(event.eventId, event);

  const claimed = await claim(deps, row.id, [...unique.values()]);
  const fresh = [...unique.values()].filter((event) => claimed.has(event.eventId));
  const summary: WebhookSummary = {
    received: parsed.length,
    stored: 0,
    duplicates: parsed.length - fresh.length,
    unresolved: 0,
  };
  if (fresh.length === 0) return summary;

  let results: Awaited<ReturnType<typeof ingest>>;
  try {
    results = await ingest(
      deps,
      fresh.map((event) => toIngestRecord(row.connectorId, row.id, event)),
    );
  } catch (error) {
    await release(deps, row.id, [...claimed]).catch((releaseError: unknown) =>
      deps.logger.error('could not release webhook claims', {
        connectionId: row.id,
        ...errorFields(releaseError),
      }),
    );
    throw error;
  }

  const now = deps.now();
  const queued: Array<ReturnType<typeof suppressionRow>> = [];
  results.forEach((result, i) => {
    if (result.status === 'stored') summary.stored++;
    else if (result.status === 'duplicate') summary.duplicates++;
    else summary.unresolved++;
    const event = fresh[i]!;
    if (result.status === 'stored' && unsubscribes(event))
      queued.push(suppressionRow(result.profileId, row.id, event.type, now));
  });
  if (queued.length > 0) {
    // After ingest on purpose: the consent change is stored either way; a lost queue row costs a
    // missed push (logged), never a second one.
    try {
      for (const chunk of chunked(queued, deps.sqlParamLimit, 8))
        await deps.db.insert(suppressions).values(chunk);
    } catch (error) {
      deps.logger.error('could not queue suppressions', {
        connectionId: row.id,
        count: queued.length,
        ...errorFields(error),
      });
    }
  }
  return summary;
}

/** Inserts the event ids not seen before; returns those this delivery now owns. */
async function claim(deps: AppDeps, connectionId: string, events: InboundEvent[]): Promise<Set<string>> {
  const receivedAt = deps.now();
  const owned = new Set<string>();
  try {
    for (const chunk of chunked(events, deps.sqlParamLimit, 4)) {
      const rows = await deps.db
        .insert(webhookEvents)
        .values(
          chunk.map((event) => ({ connectionId, eventId: event.eventId, type: event.type, receivedAt })),
        )
        .onConflictDoNothing()
        .returning({ eventId: webhookEvents.eventId });
      for (const { eventId } of rows) owned.add(eventId);
    }
  } catch (error) {
    await release(deps, connectionId, [...owned]);
    throw error;
  }
  return owned;
}

async function release(deps: AppDeps, connectionId: string, eventIds: string[]): Promise<void> {
  for (const chunk of chunked(eventIds, deps.sqlParamLimit, 1, 1)) {
    await deps.db
      .delete(webhookEvents)
      .where(and(eq(webhookEvents.connectionId, connectionId), inArray(webhookEvents.eventId, chunk)));
  }
}
