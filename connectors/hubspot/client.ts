import { Client } from '@hubspot/api-client';
import {
  type ConnectorContext,
  ConnectorError,
  errorForStatus,
  isConnectorError,
} from '../../src/connector-kit/index.js';
import { sleep } from '../../src/connector-kit/sleep.js';
import type { HubspotConfig } from './config.js';

/**
 * One SDK client per call site and tenant. The SDK's own limiter and retries stay off (no
 * `limiterOptions`, no `numberOfApiCallRetries`): pacing is declared in `limits` and done by the
 * sync engine, and a hidden retry loop would hide 429s from it.
 */
export function hubspotClient(config: HubspotConfig): Client {
  return new Client({
    accessToken: config.accessToken,
    ...(config.basePath ? { basePath: config.basePath.replace(/\/+$/, '') } : {}),
  });
}

/** The shape of the SDK's `ApiException` (it is one class per API module, so no instanceof). */
interface SdkApiException {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

function isSdkApiException(error: unknown): error is SdkApiException {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    'headers' in error &&
    'body' in error
  );
}

/**
 * Runs one SDK call and turns whatever it throws into the connector error taxonomy, with
 * HubSpot's own message ("Authentication credentials not found…") kept in the text.
 */
export async function callHubspot<T>(
  ctx: ConnectorContext,
  label: string,
  call: () => Promise<T>,
): Promise<T> {
  ctx.signal?.throwIfAborted();
  try {
    return await call();
  } catch (error) {
    throw toConnectorError(error, label, ctx.now());
  }
}

export function toConnectorError(error: unknown, label: string, now: Date): ConnectorError {
  if (isConnectorError(error)) return error;
  if (isSdkApiException(error) && error.code >= 200 && error.code <= 599) {
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? '');
    const response = new Response(null, { status: error.code, headers: error.headers ?? {} });
    return errorForStatus(response, text, `HubSpot ${label}`, now);
  }
  const message = error instanceof Error ? error.message : String(error);
  // node-fetch's FetchError: the request never got an answer, worth another try.
  if (error instanceof Error && error.name === 'FetchError') {
    return new ConnectorError('upstream', `HubSpot ${label} failed: ${message}`, { cause: error });
  }
  return new ConnectorError('bad_response', `HubSpot ${label}: ${message}`, { cause: error });
}

export interface RetryOptions {
  /** Attempts in all, including the first. */
  attempts: number;
  /** Waits above this are not worth holding a run open for; the error goes to the engine. */
  maxWaitMs: number;
}

export const SOURCE_RETRY: RetryOptions = { attempts: 5, maxWaitMs: 15_000 };

/**
 * A bounded local retry for reads: a 429 on page 40 of a search should not throw away a run's
 * paging position. Honours Retry-After; otherwise backs off 0.5 s, 1 s, 2 s… After the last attempt
 * (or when the vendor asks for a longer wait) the error goes up for the engine to schedule.
 */
export async function withRetry<T>(
  ctx: ConnectorContext,
  options: RetryOptions,
  run: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || attempt >= options.attempts) throw error;
      const wait = error.retryAfterMs ?? 500 * 2 ** (attempt - 1);
      if (wait > options.maxWaitMs) throw error;
      ctx.logger.debug('hubspot: retrying after a retryable error', {
        code: error.code,
        waitMs: wait,
        attempt,
      });
      await sleep(wait, ctx.signal);
    }
  }
}
