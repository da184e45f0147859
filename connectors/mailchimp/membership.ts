import type { ConnectorContext, DestinationRecord, RecordResult } from '../../src/connector-kit/index.js';
import {
  createMailchimpClient,
  type MailchimpClient,
  noContent,
  segmentMembersResponse,
  segmentResponse,
  segmentsResponse,
} from './client.js';
import type { MailchimpConfig } from './config.js';
import { emailProblem, rejected, segmentResults } from './mapper.js';
import { MAILCHIMP_BATCH_SIZE } from './members.js';
import { perMember } from './per-member.js';

/** Mailchimp's limit on a tag (and segment) name. */
const MAX_LIST_NAME_LENGTH = 100;
const SEGMENT_PAGE_SIZE = 1000;

/**
 * Puts `add` into and takes `remove` out of the segment named `list`; results are the adds in
 * order, then the removes. Default: a tag per contact (one request each). With
 * `useStaticSegments`, the static segment of that name (created when missing) is updated 500
 * contacts per request, which is what large segments need. Tags are static segments in Mailchimp,
 * so both modes show the same name in the audience.
 */
export async function setMembership(
  ctx: ConnectorContext,
  config: MailchimpConfig,
  list: string,
  add: DestinationRecord[],
  remove: DestinationRecord[],
): Promise<RecordResult[]> {
  const name = list.trim();
  if (name === '' || name.length > MAX_LIST_NAME_LENGTH) {
    const problem = {
      message: `a Mailchimp tag name is 1 to ${MAX_LIST_NAME_LENGTH} characters`,
      field: 'list',
    };
    return [...add, ...remove].map((record) => rejected(record.profileId, problem));
  }
  const client = createMailchimpClient(ctx, config);
  if (config.useStaticSegments) {
    const segmentId = await findOrCreateSegment(client, name);
    return [
      ...(await updateSegment(client, segmentId, add, 'members_to_add')),
      ...(await updateSegment(client, segmentId, remove, 'members_to_remove')),
    ];
  }
  const tag = (status: 'active' | 'inactive') => async (hash: string) => {
    await client.call('POST', `${client.listPath}/members/${hash}/tags`, noContent, {
      body: { tags: [{ name, status }] },
    });
  };
  return [...(await perMember(add, tag('active'))), ...(await perMember(remove, tag('inactive')))];
}

async function findOrCreateSegment(client: MailchimpClient, name: string): Promise<number> {
  for (let offset = 0; ; offset += SEGMENT_PAGE_SIZE) {
    const page = await client.call('GET', `${client.listPath}/segments`, segmentsResponse, {
      query: { type: 'static', count: String(SEGMENT_PAGE_SIZE), offset: String(offset) },
    });
    const found = page.segments.find((segment) => segment.name === name);
    if (found) return found.id;
    if (page.segments.length < SEGMENT_PAGE_SIZE || offset + SEGMENT_PAGE_SIZE >= page.total_items) break;
  }
  const created = await client.call('POST', `${client.listPath}/segments`, segmentResponse, {
    body: { name, static_segment: [] },
  });
  return created.id;
}

async function updateSegment(
  client: MailchimpClient,
  segmentId: number,
  records: DestinationRecord[],
  direction: 'members_to_add' | 'members_to_remove',
): Promise<RecordResult[]> {
  const results = new Map<DestinationRecord, RecordResult>();
  const sendable = records.filter((record) => {
    const problem = emailProblem(record);
    if (problem) results.set(record, rejected(record.profileId, problem));
    return problem === undefined;
  });
  for (let start = 0; start < sendable.length; start += MAILCHIMP_BATCH_SIZE) {
    const chunk = sendable.slice(start, start + MAILCHIMP_BATCH_SIZE);
    const response = await client.call(
      'POST',
      `${client.listPath}/segments/${segmentId}`,
      segmentMembersResponse,
      { body: { [direction]: chunk.map((record) => (record.email ?? '').trim()) } },
    );
    for (const [i, result] of segmentResults(chunk, response).entries()) results.set(chunk[i]!, result);
  }
  return records.map((record) => results.get(record)!);
}
