import { ConnectorError, isConnectorError } from '../connector-kit/errors.js';
import type { DestinationRecord, RecordResult } from '../connector-kit/types.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DeliveryOptions {
  policy: RetryPolicy;
  /** Injected so tests run without real waiting. */
  sleep(ms: number): Promise<void>;
  random(): number;
  /**
   * Called before every write call: waits for the vendor account's request budget. May return a
   * function to call once the call is answered, so the budget counts the request from then.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: budgets without answer tracking (and test doubles) resolve to nothing.
  acquire(): Promise<(() => void) | undefined | void>;
  /** Told about a 429 so the shared budget slows down. */
  onRateLimited(retryAfterMs: number | undefined): void;
}

/** Exponential backoff with full jitter, bounded; a vendor's Retry-After wins when longer. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(exponential * random());
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Sends one batch with bounded retries. Retryable errors (rate limits, 5xx, timeouts) are retried
 * with backoff; a batch refused as a whole (`rejected`) is split in halves so the good records go
 * through and only the bad one fails; anything else fails every record with the typed error.
 * Returns one result per record, in order.
 */
export async function deliverBatch(
  send: (batch: DestinationRecord[]) => Promise<RecordResult[]>,
  batch: DestinationRecord[],
  options: DeliveryOptions,
): Promise<RecordResult[]> {
  for (let attempt = 1; ; attempt++) {
    const answered = await options.acquire();
    try {
      const results = await send(batch).finally(() => answered?.());
      if (results.length !== batch.length) {
        throw new ConnectorError(
          'bad_response',
          `destination answered ${results.length} results for ${batch.length} records`,
        );
      }
      return results;
    } catch (error) {
      const failure = isConnectorError(error)
        ? error
        : new ConnectorError('upstream', error instanceof Error ? error.message : String(error), {
            retryable: false,
          });
      if (failure.code === 'rate_limited') options.onRateLimited(failure.retryAfterMs);
      if (failure.retryable && attempt < options.policy.maxAttempts) {
        await options.sleep(backoffMs(attempt, options.policy, options.random, failure.retryAfterMs));
        continue;
      }
      if (failure.code === 'rejected' && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        const left = await deliverBatch(send, batch.slice(0, middle), options);
        const right = await deliverBatch(send, batch.slice(middle), options);
        return [...left, ...right];
      }
      return batch.map((record) => ({
        profileId: record.profileId,
        status: 'failed' as const,
        error: failure.toJSON(),
      }));
    }
  }
}
