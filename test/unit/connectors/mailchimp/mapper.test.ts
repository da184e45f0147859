import { describe, expect, it } from 'vitest';
import { batchSubscribeResponse } from '../../../../connectors/mailchimp/client.js';
import batchFixture from '../../../../connectors/mailchimp/fixtures/batch-subscribe-response.json';
import { sampleRecords, unwritableRecord } from '../../../../connectors/mailchimp/fixtures/records.js';
import {
  batchResults,
  fieldsProblem,
  mergeFieldType,
  segmentResults,
  toBatchMember,
} from '../../../../connectors/mailchimp/mapper.js';
import { subscriberHash } from '../../../../connectors/mailchimp/md5.js';
import type { DestinationRecord } from '../../../../src/connector-kit/index.js';

describe('toBatchMember', () => {
  it('sends status_if_new and never status, with merge values Mailchimp accepts', () => {
    const member = toBatchMember(sampleRecords[1]!, 'pending');
    expect(member).toEqual({
      email_address: 'bob@example.com',
      status_if_new: 'pending',
      merge_fields: { FNAME: 'Bob', LTV: 0, VIP: '' },
    });
    expect(member).not.toHaveProperty('status');
    expect(toBatchMember(sampleRecords[0]!, 'subscribed').merge_fields.VIP).toBe('true');
  });
});

describe('fieldsProblem', () => {
  it('names a field that is not a merge tag, or not a scalar', () => {
    expect(fieldsProblem(sampleRecords[0]!)).toBeUndefined();
    expect(fieldsProblem({ profileId: 'p', email: 'a@b.co', fields: { first_name: 'x' } })?.field).toBe(
      'first_name',
    );
    expect(fieldsProblem(unwritableRecord)?.field).toBe('FNAME');
    expect(fieldsProblem({ profileId: 'p', email: 'a@b.co', fields: { LTV: Number.NaN } })?.field).toBe(
      'LTV',
    );
  });
});

describe('mergeFieldType', () => {
  it('maps booleans to text, the rest as they are', () => {
    expect(['text', 'number', 'date', 'boolean'].map((t) => mergeFieldType(t as 'text'))).toEqual([
      'text',
      'number',
      'date',
      'text',
    ]);
  });
});

describe('batchResults (from a response shaped like Mailchimp documents it)', () => {
  const dee: DestinationRecord = {
    profileId: 'prof_mc_dee',
    email: 'Dee@Example.net',
    fields: { LTV: 'lots' },
  };
  const records = [...sampleRecords, dee];
  const results = batchResults(records, batchSubscribeResponse.parse(batchFixture));

  it('answers per record, in order, matching addresses case-insensitively', () => {
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['prof_mc_ann', 'ok'],
      ['prof_mc_bob', 'ok'],
      ['prof_mc_cy', 'failed'],
      ['prof_mc_dee', 'failed'],
    ]);
    expect(results[0]).toMatchObject({ destinationId: subscriberHash('ann.lee@example.com') });
  });

  it('turns each error into a rejected result naming our field', () => {
    expect(results[2]).toMatchObject({
      status: 'failed',
      error: { code: 'rejected', retryable: false, field: 'email' },
    });
    expect(results[3]).toMatchObject({
      status: 'failed',
      error: { code: 'rejected', field: 'LTV', message: expect.stringContaining('Please enter a number') },
    });
  });

  it('an address Mailchimp lists nowhere counts as accepted', () => {
    const quiet = batchResults([sampleRecords[0]!], batchSubscribeResponse.parse({}));
    expect(quiet).toEqual([
      { profileId: 'prof_mc_ann', status: 'ok', destinationId: subscriberHash('ann.lee@example.com') },
    ]);
  });
});

describe('segmentResults', () => {
  it('fails the addresses an error lists, and only those', () => {
    const results = segmentResults(sampleRecords, {
      errors: [{ email_addresses: ['BOB@example.com'], error: 'Email addresses not on the list' }],
    });
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(results[1]).toMatchObject({
      error: { code: 'rejected', message: 'Email addresses not on the list' },
    });
  });
});
