import {
  type DestinationRecord,
  isConnectorError,
  type RecordResult,
} from '../../src/connector-kit/index.js';
import { emailProblem, failed, normalizedEmail, rejected } from './mapper.js';
import { subscriberHash } from './md5.js';

/**
 * Runs one request per contact, one at a time. Sequential on purpose: Mailchimp allows 10
 * simultaneous connections per account and `limits.concurrency` hands all 10 to the sync engine,
 * which runs calls side by side; fanning out here as well would exceed the account's allowance.
 *
 * A rejection (4xx) is that contact's result; a 404 means the contact is not in the audience,
 * which is reported as skipped. Anything else (auth, rate limit, outage) concerns the whole call
 * and is thrown, so the engine can back off and retry: the operations are idempotent.
 */
export async function perMember(
  records: DestinationRecord[],
  op: (hash: string, record: DestinationRecord) => Promise<void>,
): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  for (const record of records) {
    const problem = emailProblem(record);
    if (problem) {
      results.push(rejected(record.profileId, problem));
      continue;
    }
    const hash = subscriberHash(normalizedEmail(record));
    try {
      await op(hash, record);
      results.push({ profileId: record.profileId, status: 'ok', destinationId: hash });
    } catch (error) {
      if (!isConnectorError(error) || error.code !== 'rejected') throw error;
      results.push(
        error.status === 404
          ? { profileId: record.profileId, status: 'skipped', reason: 'not in the Mailchimp audience' }
          : failed(record.profileId, error),
      );
    }
  }
  return results;
}
