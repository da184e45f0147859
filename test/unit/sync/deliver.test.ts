import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connector-kit/errors.js';
import type { DestinationRecord, RecordResult } from '../../../src/connector-kit/types.js';
import { backoffMs, deliverBatch } from '../../../src/sync/deliver.js';

const records = (n: number): DestinationRecord[] =>
  Array.from({ length: n }, (_, i) => ({ profileId: `prof_${i}`, email: `p${i}@example.com`, fields: {} }));
const ok = (batch: DestinationRecord[]): RecordResult[] =>
  batch.map((r) => ({ profileId: r.profileId, status: 'ok' }));

function options(overrides: Partial<Parameters<typeof deliverBatch>[2]> = {}) {
  const slept: number[] = [];
  const limited: Array<number | undefined> = [];
  return {
    slept,
    limited,
    options: {
      policy: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
      sleep: async (ms: number) => {
        slept.push(ms);
      },
      random: () => 1,
      acquire: async () => {},
      onRateLimited: (ms: number | undefined) => limited.push(ms),
      ...overrides,
    },
  };
}

describe('delivering a batch', () => {
  it('retries a rate limit after the vendor Retry-After, then succeeds', async () => {
    let calls = 0;
    const { options: o, slept, limited } = options();
    const results = await deliverBatch(
      async (batch) => {
        calls++;
        if (calls === 1) throw new ConnectorError('rate_limited', '429', { retryAfterMs: 2500 });
        return ok(batch);
      },
      records(3),
      o,
    );
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(slept).toEqual([2500]);
    expect(limited).toEqual([2500]);
  });

  it('backs off exponentially with jitter, bounded, and gives up after maxAttempts', async () => {
    let calls = 0;
    const { options: o, slept } = options();
    const results = await deliverBatch(
      async () => {
        calls++;
        throw new ConnectorError('upstream', '503');
      },
      records(2),
      o,
    );
    expect(calls).toBe(4);
    expect(slept).toEqual([100, 200, 400]);
    expect(results.every((r) => r.status === 'failed' && r.error.code === 'upstream')).toBe(true);
    expect(backoffMs(10, { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.5)).toBe(500);
  });

  it('splits a batch the vendor refused as a whole so only the bad record fails', async () => {
    const sent: number[] = [];
    const { options: o } = options();
    const results = await deliverBatch(
      async (batch) => {
        sent.push(batch.length);
        if (batch.some((r) => r.profileId === 'prof_5'))
          throw new ConnectorError('rejected', 'invalid email', { field: 'email' });
        return ok(batch);
      },
      records(8),
      o,
    );
    expect(results.filter((r) => r.status === 'failed').map((r) => r.profileId)).toEqual(['prof_5']);
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(7);
    expect(sent[0]).toBe(8);
  });

  it('does not retry an auth failure', async () => {
    let calls = 0;
    const { options: o } = options();
    const results = await deliverBatch(
      async () => {
        calls++;
        throw new ConnectorError('auth', 'invalid API key');
      },
      records(3),
      o,
    );
    expect(calls).toBe(1);
    expect(results.every((r) => r.status === 'failed' && r.error.code === 'auth')).toBe(true);
  });
});
