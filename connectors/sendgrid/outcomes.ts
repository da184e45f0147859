import { ConnectorError, type RecordResult } from '../../src/connector-kit/index.js';
import type { ErrorsByEmail } from './errors-file.js';
import type { ImportStatus } from './responses.js';

export interface SentContact {
  profileId: string;
  email: string;
}

/**
 * Per-record results of a finished upsert job. `completed` is all ok. `errored` (some failed) and
 * `failed` (all failed, or unprocessable) need the errors file to say which; without it the batch
 * is reported failed and retryable, because a repeated upsert is harmless and guessing "ok" would
 * lose data silently.
 */
export function outcomesOfJob(
  status: ImportStatus,
  sent: readonly SentContact[],
  errors: ErrorsByEmail | undefined,
): RecordResult[] {
  const state = status.status;
  if (state === 'completed' || (state !== 'failed' && (status.results?.errored_count ?? 0) === 0)) {
    return sent.map((c) => ({ profileId: c.profileId, status: 'ok' }));
  }
  if (errors === undefined) {
    const count = status.results?.errored_count;
    const error = new ConnectorError(
      'upstream',
      `SendGrid's import job ended "${state}"${count === undefined ? '' : ` with ${count} errored contacts`} ` +
        'and its errors file could not be read, so which contacts failed is unknown',
      { retryable: true },
    ).toJSON();
    return sent.map((c) => ({ profileId: c.profileId, status: 'failed', error }));
  }
  return sent.map((c): RecordResult => {
    const reason = errors.get(c.email);
    if (reason !== undefined) {
      return {
        profileId: c.profileId,
        status: 'failed',
        error: new ConnectorError('rejected', `SendGrid rejected the contact: ${reason}`).toJSON(),
      };
    }
    if (state === 'failed' && errors.size === 0) {
      return {
        profileId: c.profileId,
        status: 'failed',
        error: new ConnectorError('rejected', 'SendGrid could not process the import job').toJSON(),
      };
    }
    return { profileId: c.profileId, status: 'ok' };
  });
}
