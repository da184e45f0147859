import {
  type ConnectorContext,
  ConnectorError,
  type DestinationRecord,
  isConnectorError,
  type RecordResult,
} from '../../src/connector-kit/index.js';
import { createSendgridClient, type SendgridClient } from './client.js';
import type { SendgridConfig } from './config.js';
import { fetchFieldDefinitions } from './fields.js';
import { DEFAULT_POLL, fetchJobErrors, type PollOptions, waitForJob } from './job.js';
import {
  type ContactPayload,
  chunkBySize,
  emailOf,
  type FieldIndex,
  fieldIndexOf,
  type MappingProblem,
  TOP_LEVEL_FIELDS,
  toContact,
} from './mapper.js';
import { outcomesOfJob, type SentContact } from './outcomes.js';
import { acceptedJobResponse, searchEmailsResponse, upsertResponse } from './responses.js';

/** SendGrid's documented ceilings for one PUT /v3/marketing/contacts. */
export const MAX_CONTACTS_PER_REQUEST = 30_000;
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** search/emails takes up to 100 addresses; ids per DELETE are kept to the same to bound URL length. */
export const IDS_PER_REQUEST = 100;

export interface UpsertOptions {
  /** Lists to add every contact to; defaults to the config's `listIds`. */
  listIds?: readonly string[];
  /** Send the email only (list membership changes must not touch field values). */
  emailOnly?: boolean;
  poll?: PollOptions;
}

export function failedResult(profileId: string, problem: MappingProblem): RecordResult {
  const init = problem.field ? { field: problem.field } : {};
  return {
    profileId,
    status: 'failed',
    error: new ConnectorError('rejected', problem.message, init).toJSON(),
  };
}

/**
 * Upserts in as few requests as the 30,000-contact / 6 MB limits allow, waits for each import
 * job, and answers one result per record in input order. Records that cannot be sent fail on
 * their own before any request; a request SendGrid refuses as a whole (400) fails its records.
 */
export async function upsertContacts(
  ctx: ConnectorContext,
  config: SendgridConfig,
  batch: DestinationRecord[],
  options: UpsertOptions = {},
): Promise<RecordResult[]> {
  const client = createSendgridClient(ctx, config);
  const index = options.emailOnly || !needsCustomFields(batch) ? emptyIndex : await loadIndex(client);
  const results: (RecordResult | undefined)[] = new Array(batch.length);
  const ready: { at: number; sent: SentContact; contact: ContactPayload }[] = [];
  batch.forEach((record, at) => {
    const mapped = options.emailOnly ? emailOnlyContact(record) : toContact(record, index);
    if ('problem' in mapped) results[at] = failedResult(record.profileId, mapped.problem);
    else
      ready.push({
        at,
        sent: { profileId: record.profileId, email: mapped.contact.email },
        contact: mapped.contact,
      });
  });

  const listIds = [...(options.listIds ?? config.listIds ?? [])];
  const envelope = listIds.length > 0 ? { list_ids: listIds, contacts: [] } : { contacts: [] };
  const chunks = chunkBySize(ready, {
    maxCount: MAX_CONTACTS_PER_REQUEST,
    maxBytes: MAX_REQUEST_BYTES,
    overheadBytes: new TextEncoder().encode(JSON.stringify(envelope)).byteLength,
  });
  for (const chunk of chunks) {
    const outcomes = await upsertChunk(ctx, client, envelope, chunk, options.poll ?? DEFAULT_POLL);
    chunk.forEach((item, i) => {
      results[item.at] = outcomes[i];
    });
  }
  return results.map((r, i) => r ?? failedResult(batch[i]!.profileId, { message: 'no result' }));
}

async function upsertChunk(
  ctx: ConnectorContext,
  client: SendgridClient,
  envelope: { list_ids?: string[]; contacts: never[] },
  chunk: { sent: SentContact; contact: ContactPayload }[],
  poll: PollOptions,
): Promise<RecordResult[]> {
  let jobId: string;
  try {
    const body = await client.call(upsertResponse, {
      method: 'PUT',
      url: '/v3/marketing/contacts',
      body: { ...envelope, contacts: chunk.map((c) => c.contact) },
    });
    jobId = body.job_id;
  } catch (error) {
    // A 400 is about this request's content: its records fail, the run goes on.
    if (isConnectorError(error) && error.code === 'rejected') {
      const json = error.toJSON();
      return chunk.map((c) => ({ profileId: c.sent.profileId, status: 'failed', error: json }));
    }
    throw error;
  }
  const status = await waitForJob(ctx, client, jobId, poll);
  const needsErrors = status.status !== 'completed' && status.results?.errors_url;
  const errors = needsErrors ? await fetchJobErrors(ctx, status.results!.errors_url!) : undefined;
  return outcomesOfJob(
    status,
    chunk.map((c) => c.sent),
    errors,
  );
}

const emptyIndex: FieldIndex = { custom: new Map() };

function needsCustomFields(batch: DestinationRecord[]): boolean {
  return batch.some((r) => {
    const fields: unknown = r.fields;
    if (typeof fields !== 'object' || fields === null) return false;
    return Object.keys(fields).some((key) => !Object.hasOwn(TOP_LEVEL_FIELDS, key.toLowerCase()));
  });
}

async function loadIndex(client: SendgridClient): Promise<FieldIndex> {
  return fieldIndexOf((await fetchFieldDefinitions(client)).custom);
}

function emailOnlyContact(
  record: DestinationRecord,
): { contact: ContactPayload } | { problem: MappingProblem } {
  const identity = emailOf(record);
  return 'problem' in identity ? identity : { contact: { email: identity.email } };
}

/** Contact ids by lower-case email, for the emails SendGrid knows; unknown emails are absent. */
export async function lookupContactIds(
  client: SendgridClient,
  emails: string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const unique = [...new Set(emails)];
  for (let i = 0; i < unique.length; i += IDS_PER_REQUEST) {
    const slice = unique.slice(i, i + IDS_PER_REQUEST);
    let body: {
      result: Record<string, { contact?: { id: string } | undefined; error?: string | undefined }>;
    };
    try {
      body = await client.call(searchEmailsResponse, {
        method: 'POST',
        url: '/v3/marketing/contacts/search/emails',
        body: { emails: slice },
      });
    } catch (error) {
      // 404 is SendGrid's "none of these emails is a contact".
      if (isConnectorError(error) && error.status === 404) continue;
      throw error;
    }
    for (const [email, match] of Object.entries(body.result)) {
      if (match.contact) ids.set(email.toLowerCase(), match.contact.id);
    }
  }
  return ids;
}

export interface ResolvedRecords {
  /** Results decided without a write (bad email, or no such contact, which is already the goal). */
  decided: Map<number, RecordResult>;
  /** Input position → contact id, for the records to act on. */
  targets: Map<number, string>;
}

/**
 * Finds the contact ids behind records. A record whose email is not a SendGrid contact is `ok`:
 * it is neither a contact nor a list member, which is what a removal wants.
 */
export async function resolveRecords(
  client: SendgridClient,
  records: DestinationRecord[],
): Promise<ResolvedRecords> {
  const decided = new Map<number, RecordResult>();
  const emails = new Map<number, string>();
  records.forEach((record, at) => {
    const identity = emailOf(record);
    if ('problem' in identity) decided.set(at, failedResult(record.profileId, identity.problem));
    else emails.set(at, identity.email);
  });
  const ids = await lookupContactIds(client, [...emails.values()]);
  const targets = new Map<number, string>();
  for (const [at, email] of emails) {
    const id = ids.get(email);
    if (id === undefined) decided.set(at, { profileId: records[at]!.profileId, status: 'ok' });
    else targets.set(at, id);
  }
  return { decided, targets };
}

/**
 * Runs `act` on the resolved ids in slices of 100 and answers one result per record. A slice the
 * vendor refuses (400/404) fails its records; auth, rate limit and outages abort the call.
 */
export async function actOnContacts(
  client: SendgridClient,
  records: DestinationRecord[],
  act: (ids: string[]) => Promise<void>,
): Promise<RecordResult[]> {
  const { decided, targets } = await resolveRecords(client, records);
  const entries = [...targets.entries()];
  for (let i = 0; i < entries.length; i += IDS_PER_REQUEST) {
    const slice = entries.slice(i, i + IDS_PER_REQUEST);
    let outcome: RecordResult['status'] | ConnectorError = 'ok';
    try {
      await act([...new Set(slice.map(([, id]) => id))]);
    } catch (error) {
      if (!isConnectorError(error) || error.code !== 'rejected') throw error;
      outcome = error;
    }
    for (const [at, id] of slice) {
      const profileId = records[at]!.profileId;
      decided.set(
        at,
        outcome === 'ok'
          ? { profileId, status: 'ok', destinationId: id }
          : { profileId, status: 'failed', error: (outcome as ConnectorError).toJSON() },
      );
    }
  }
  return records.map((_, at) => decided.get(at)!);
}

/** DELETE /v3/marketing/contacts?ids=…: deletion is asynchronous at SendGrid; 202 counts as done. */
export async function removeContacts(
  ctx: ConnectorContext,
  config: SendgridConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = createSendgridClient(ctx, config);
  return actOnContacts(client, records, async (ids) => {
    await client.call(acceptedJobResponse, {
      method: 'DELETE',
      url: '/v3/marketing/contacts',
      qs: { ids: ids.join(',') },
    });
  });
}
