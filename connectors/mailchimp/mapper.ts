import {
  ConnectorError,
  type ConnectorErrorJson,
  type DestinationRecord,
  type FieldSpec,
  type RecordResult,
} from '../../src/connector-kit/index.js';
import type { BatchSubscribeResponse, SegmentMembersResponse } from './client.js';
import type { MailchimpConfig } from './config.js';
import { subscriberHash } from './md5.js';
import { isMailchimpTag } from './tags.js';

/** Pure: records to Mailchimp bodies, Mailchimp answers to per-record results. */

// Deliberately loose: Mailchimp does the real validation and reports per address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RecordProblem {
  message: string;
  field: string;
}

export function failed(profileId: string, error: ConnectorError | ConnectorErrorJson): RecordResult {
  return { profileId, status: 'failed', error: error instanceof ConnectorError ? error.toJSON() : error };
}

export function rejected(profileId: string, problem: RecordProblem): RecordResult {
  return failed(profileId, new ConnectorError('rejected', problem.message, { field: problem.field }));
}

export function emailProblem(record: DestinationRecord): RecordProblem | undefined {
  if (typeof record.email !== 'string' || !EMAIL.test(record.email.trim())) {
    return {
      message: 'Mailchimp identifies contacts by email; this record has no valid email',
      field: 'email',
    };
  }
  return undefined;
}

/**
 * Field keys must already be merge tags: the sync engine writes `destinationKey` from
 * ensureFields. A raw key here would be rejected by Mailchimp for the whole record anyway.
 */
export function fieldsProblem(record: DestinationRecord): RecordProblem | undefined {
  const fields: unknown = record.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    return { message: 'fields must be an object of scalar values', field: 'fields' };
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!isMailchimpTag(key)) {
      return {
        message: `"${key}" is not a Mailchimp merge tag; write fields under the destinationKey ensureFields returned`,
        field: key,
      };
    }
    const scalar =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!scalar)
      return { message: `field "${key}" is not a string, finite number, boolean or null`, field: key };
  }
  return undefined;
}

/** Mailchimp has no boolean merge field, and clears a field with "" rather than null. */
export function mergeValue(value: string | number | boolean | null): string | number {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

export function normalizedEmail(record: DestinationRecord): string {
  return (record.email ?? '').trim().toLowerCase();
}

/**
 * A batch-subscribe member. `status_if_new` only, never `status`: with `update_existing` an
 * explicit status would be applied to existing members too, resubscribing people who
 * unsubscribed or bounced (cleaned).
 */
export function toBatchMember(record: DestinationRecord, statusIfNew: MailchimpConfig['statusIfNew']) {
  return {
    email_address: (record.email ?? '').trim(),
    status_if_new: statusIfNew,
    merge_fields: Object.fromEntries(
      Object.entries(record.fields).map(([key, value]) => [key, mergeValue(value)]),
    ),
  };
}

/** Our field types onto Mailchimp's merge field types; booleans travel as "true"/"false" text. */
export function mergeFieldType(type: FieldSpec['type']): 'text' | 'number' | 'date' {
  return type === 'boolean' ? 'text' : type;
}

/** Mailchimp names the member's own fields; ours are the record's email and merge tags. */
function ourField(field: string | undefined): string | undefined {
  if (field === undefined || field === '') return undefined;
  return field === 'email_address' ? 'email' : field;
}

/**
 * Per-record results of one batch subscribe, in `records` order. Mailchimp reports failures in
 * `errors` by address; an address it lists nowhere was accepted (an unchanged member is not
 * always echoed back), so only a listed error fails a record.
 */
export function batchResults(records: DestinationRecord[], response: BatchSubscribeResponse): RecordResult[] {
  const errors = new Map<string, BatchSubscribeResponse['errors'][number]>();
  for (const error of response.errors) {
    if (error.email_address) errors.set(error.email_address.trim().toLowerCase(), error);
  }
  return records.map((record): RecordResult => {
    const email = normalizedEmail(record);
    const error = errors.get(email);
    if (error === undefined) {
      return { profileId: record.profileId, status: 'ok', destinationId: subscriberHash(email) };
    }
    const field = ourField(error.field);
    const detail = [error.error, error.field_message].filter(Boolean).join(': ') || 'rejected by Mailchimp';
    const code = error.error_code ? ` (${error.error_code})` : '';
    return failed(
      record.profileId,
      new ConnectorError('rejected', `${detail}${code}`, field === undefined ? {} : { field }),
    );
  });
}

/** Per-record results of one static segment update; errors list the addresses they concern. */
export function segmentResults(
  records: DestinationRecord[],
  response: SegmentMembersResponse,
): RecordResult[] {
  const errors = new Map<string, string>();
  for (const error of response.errors) {
    for (const address of error.email_addresses) {
      errors.set(address.trim().toLowerCase(), error.error ?? 'rejected by Mailchimp');
    }
  }
  return records.map((record): RecordResult => {
    const message = errors.get(normalizedEmail(record));
    return message === undefined
      ? { profileId: record.profileId, status: 'ok', destinationId: subscriberHash(normalizedEmail(record)) }
      : failed(record.profileId, new ConnectorError('rejected', message, { field: 'email' }));
  });
}
