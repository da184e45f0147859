import type { ConnectorContext, DestinationRecord, RecordResult } from '../../src/connector-kit/index.js';
import { batchSubscribeResponse, createMailchimpClient, noContent } from './client.js';
import type { MailchimpConfig } from './config.js';
import {
  batchResults,
  emailProblem,
  fieldsProblem,
  normalizedEmail,
  rejected,
  toBatchMember,
} from './mapper.js';
import { perMember } from './per-member.js';

/** Mailchimp's cap on members per batch subscribe. */
export const MAILCHIMP_BATCH_SIZE = 500;
/** A full batch can take Mailchimp a while; its own limit on a request is 120 s. */
const BATCH_TIMEOUT_MS = 120_000;

/**
 * Upserts by email through batch subscribe (≤ 500 per call). New contacts get `statusIfNew`;
 * existing ones keep their status, so an unsubscribed or cleaned contact is never resubscribed.
 * Records Mailchimp would refuse anyway (no email, non-tag keys) fail here without a request;
 * a second record with an address already in the batch is skipped, since Mailchimp would
 * otherwise reject the duplicate or apply whichever came last.
 */
export async function upsertMembers(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  batch: DestinationRecord[],
): Promise<RecordResult[]> {
  const results = new Map<DestinationRecord, RecordResult>();
  const sendable: DestinationRecord[] = [];
  const seen = new Set<string>();
  for (const record of batch) {
    const problem = emailProblem(record) ?? fieldsProblem(record);
    if (problem) {
      results.set(record, rejected(record.profileId, problem));
    } else if (seen.has(normalizedEmail(record))) {
      results.set(record, {
        profileId: record.profileId,
        status: 'skipped',
        reason: 'another record in this batch has the same email',
      });
    } else {
      seen.add(normalizedEmail(record));
      sendable.push(record);
    }
  }
  const client = createMailchimpClient(ctx, config);
  for (let start = 0; start < sendable.length; start += MAILCHIMP_BATCH_SIZE) {
    const chunk = sendable.slice(start, start + MAILCHIMP_BATCH_SIZE);
    const response = await client.call('POST', client.listPath, batchSubscribeResponse, {
      body: { members: chunk.map((r) => toBatchMember(r, config.statusIfNew)), update_existing: true },
      timeoutMs: BATCH_TIMEOUT_MS,
    });
    for (const [i, result] of batchResults(chunk, response).entries()) results.set(chunk[i]!, result);
  }
  return batch.map((record) => results.get(record)!);
}

/** Archives contacts: they leave the audience but keep their history and can come back. */
export async function archiveMembers(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = createMailchimpClient(ctx, config);
  return perMember(records, async (hash) => {
    await client.call('DELETE', `${client.listPath}/members/${hash}`, noContent);
  });
}

/**
 * Permanently deletes contacts (GDPR erasure). Mailchimp refuses to re-import a permanently
 * deleted address through the API afterwards, so this is for erasure requests only.
 */
export async function eraseMembers(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = createMailchimpClient(ctx, config);
  return perMember(records, async (hash) => {
    await client.call('POST', `${client.listPath}/members/${hash}/actions/delete-permanent`, noContent);
  });
}
