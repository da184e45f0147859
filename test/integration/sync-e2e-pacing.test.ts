import { afterEach, describe, expect, it } from 'vitest';
import { mailchimp } from '../../connectors/mailchimp/index.js';
import { createConnectorContext } from '../../src/connector-kit/context.js';
import { deliverBatch } from '../../src/sync/deliver.js';
import { RateBudget } from '../../src/sync/rate-budget.js';
import { type FakeEsp, startFakeEsp } from '../fakes/esp/server.js';

/**
 * The shared request budget against a vendor that enforces exactly the declared budget, counted
 * when requests arrive: pacing must never earn a 429. (Counting a request from when its slot was
 * taken made every window end slightly before the vendor's, so the first request of each new window
 * was refused, and the Retry-After pause and slowdown that followed cost most of the throughput.)
 */
let esp: FakeEsp;
afterEach(async () => {
  await esp.close();
});

describe('pacing to a declared request budget', () => {
  it('stays within a vendor budget that counts requests on arrival', async () => {
    const budget = { requests: 4, windowMs: 250 };
    esp = await startFakeEsp({ budget, delayMs: 5 });
    // The fake's clock, so both sides measure the window alike.
    const limiter = new RateBudget(budget, () => performance.now());
    const ctx = createConnectorContext();
    const config = mailchimp.configSchema.parse({
      apiKey: esp.apiKey,
      baseUrl: esp.baseUrl,
      listId: esp.listId,
    });
    const options = {
      policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      random: () => 1,
      acquire: () => limiter.acquire(),
      onRateLimited: (ms: number | undefined) => limiter.rateLimited(ms),
    };
    for (let call = 0; call < 14; call++) {
      const record = {
        profileId: `prof_${call}`,
        email: `p${call}@example.com`,
        fields: { FNAME: `P${call}` },
      };
      const [result] = await deliverBatch(
        (records) => mailchimp.destination!.upsert(ctx, config, records),
        [record],
        options,
      );
      expect(result, `call ${call}`).toMatchObject({ status: 'ok' });
    }
    expect(esp.counters.rateLimited).toBe(0);
    expect(esp.memberCount()).toBe(14);
  });
});
