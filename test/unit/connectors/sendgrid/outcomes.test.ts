import { describe, expect, it } from 'vitest';
import { parseErrorsFile } from '../../../../connectors/sendgrid/errors-file.js';
import {
  completedJob,
  erroredJob,
  errorsCsv,
  failedJobWithoutFile,
} from '../../../../connectors/sendgrid/fixtures/import-status.js';
import { outcomesOfJob } from '../../../../connectors/sendgrid/outcomes.js';
import { importStatusResponse } from '../../../../connectors/sendgrid/responses.js';

const sent = [
  { profileId: 'p1', email: 'ada@example.com' },
  { profileId: 'p2', email: 'grace@example.com' },
  { profileId: 'p3', email: 'linus@example.com' },
];

describe('parseErrorsFile', () => {
  it('reads the email and error columns of the CSV, quotes and all', () => {
    expect(parseErrorsFile(errorsCsv)).toEqual(
      new Map([['grace@example.com', 'invalid value for custom field "orders"']]),
    );
  });

  it('accepts a JSON array and an empty file', () => {
    expect(parseErrorsFile('[{"email":"A@x.io","message":"bad"}]')).toEqual(new Map([['a@x.io', 'bad']]));
    expect(parseErrorsFile('')).toEqual(new Map());
  });

  it('gives undefined when it cannot tell which contact failed', () => {
    expect(parseErrorsFile('row,problem\n1,bad\n')).toBeUndefined();
    expect(parseErrorsFile('[1,2]')).toBeUndefined();
  });
});

describe('outcomesOfJob (documented ContactImport shapes)', () => {
  const parse = (value: unknown) => importStatusResponse.parse(value);

  it('completed: every record ok', () => {
    expect(outcomesOfJob(parse(completedJob), sent, undefined).map((r) => r.status)).toEqual([
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('errored: the contacts in the errors file fail as rejected, the rest are ok', () => {
    const results = outcomesOfJob(parse(erroredJob('https://x')), sent, parseErrorsFile(errorsCsv));
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(results[1]).toMatchObject({
      status: 'failed',
      error: { code: 'rejected', retryable: false, message: expect.stringContaining('orders') },
    });
  });

  it('errored or failed without a readable errors file: all failed and retryable', () => {
    for (const job of [erroredJob('https://x'), failedJobWithoutFile]) {
      const results = outcomesOfJob(parse(job), sent, undefined);
      expect(
        results.map((r) => (r.status === 'failed' ? [r.error.code, r.error.retryable] : r.status)),
      ).toEqual(sent.map(() => ['upstream', true]));
    }
  });
});
