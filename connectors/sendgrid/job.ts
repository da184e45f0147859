import { type ConnectorContext, ConnectorError, requestStream } from '../../src/connector-kit/index.js';
import { sleep } from '../../src/connector-kit/sleep.js';
import type { SendgridClient } from './client.js';
import { type ErrorsByEmail, parseErrorsFile } from './errors-file.js';
import { type ImportStatus, importStatusResponse } from './responses.js';

const TERMINAL = new Set(['completed', 'errored', 'failed']);

export interface PollOptions {
  /** Wait before the first status request; doubles each time up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Total waiting before giving up with a retryable error (the job itself keeps running). */
  maxWaitMs: number;
}

/**
 * Small imports finish in seconds and 30,000-contact ones in minutes; doubling from 1 s to a 15 s
 * ceiling keeps status requests to a few dozen per job, well inside the request budget.
 */
export const DEFAULT_POLL: PollOptions = { firstDelayMs: 1_000, maxDelayMs: 15_000, maxWaitMs: 20 * 60_000 };

/** Polls GET /v3/marketing/contacts/imports/{id} until the job is completed, errored or failed. */
export async function waitForJob(
  ctx: ConnectorContext,
  client: SendgridClient,
  jobId: string,
  options: PollOptions = DEFAULT_POLL,
): Promise<ImportStatus> {
  let delay = options.firstDelayMs;
  let waited = 0;
  for (;;) {
    await sleep(delay, ctx.signal);
    waited += delay;
    const status = await client.call(importStatusResponse, {
      method: 'GET',
      url: `/v3/marketing/contacts/imports/${encodeURIComponent(jobId)}`,
    });
    if (TERMINAL.has(status.status)) return status;
    if (waited >= options.maxWaitMs) {
      throw new ConnectorError(
        'upstream',
        `SendGrid import job ${jobId} is still "${status.status}" after ${Math.round(waited / 1000)} s`,
        { retryable: true },
      );
    }
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}

/**
 * Downloads and parses the job's errors file. It lives on another host (a signed download link),
 * so it is fetched without the API key; failures give `undefined`, which the outcome mapping treats
 * as "unknown which contacts failed".
 */
export async function fetchJobErrors(ctx: ConnectorContext, url: string): Promise<ErrorsByEmail | undefined> {
  try {
    const response = await requestStream({
      ctx,
      url,
      headers: { accept: 'text/csv, application/json, */*' },
    });
    return parseErrorsFile(await response.text());
  } catch (error) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    ctx.logger.warn('could not read the SendGrid import errors file', {
      connector: 'sendgrid',
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
