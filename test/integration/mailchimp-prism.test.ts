import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { mailchimpConfigSchema } from '../../connectors/mailchimp/config.js';
import { sampleRecords } from '../../connectors/mailchimp/fixtures/records.js';
import { mailchimp } from '../../connectors/mailchimp/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { type PrismMock, startPrism } from '../helpers/prism.js';
import { describeWithSharedData } from '../helpers/shared-data.js';

/**
 * Every request the connector makes, checked by Prism against Mailchimp's published contract.
 * Prism answers with schema-shaped placeholders, so these tests assert on what was sent and on
 * the absence of violations; result mapping from real answers is unit-tested with fixtures.
 */
describeWithSharedData(
  'specs/mailchimp/marketing.json',
  'mailchimp requests match the Mailchimp OpenAPI',
  () => {
    let prism: PrismMock;
    let seenBefore = 0;
    const sent: { method: string; path: string; body: unknown }[] = [];

    beforeAll(async () => {
      prism = await startPrism('mailchimp/marketing.json');
    }, 90_000);
    afterAll(async () => {
      await prism?.stop();
    });
    beforeEach(() => {
      seenBefore = prism.violations().length;
      sent.length = 0;
    });

    const newViolations = () => prism.violations().slice(seenBefore);
    const ctx = () =>
      createConnectorContext({
        logger: createMemoryLogger(),
        fetch: (input, init) => {
          const url = new URL(input instanceof Request ? input.url : String(input));
          sent.push({
            method: init?.method ?? 'GET',
            path: url.pathname,
            body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
          });
          return globalThis.fetch(input, init);
        },
      });
    const config = (overrides: Record<string, unknown> = {}) =>
      mailchimpConfigSchema.parse({
        apiKey: 'prism-key-us21',
        listId: 'a1b2c3d4e5',
        baseUrl: prism.url,
        ...overrides,
      });

    it('check pings and reads the audience', async () => {
      expect(await mailchimp.check!(ctx(), config())).toMatchObject({ ok: true });
      expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /ping', 'GET /lists/a1b2c3d4e5']);
      expect(newViolations()).toEqual([]);
    });

    it('upsert sends one valid batch subscribe with status_if_new only', async () => {
      const results = await mailchimp.destination!.upsert(
        ctx(),
        config({ statusIfNew: 'pending' }),
        sampleRecords,
      );
      expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(sent).toHaveLength(1);
      const body = sent[0]!.body as { members: Record<string, unknown>[]; update_existing: boolean };
      expect(body.update_existing).toBe(true);
      expect(body.members.map((m) => [m.email_address, m.status_if_new, m.status])).toEqual([
        ['Ann.Lee@example.com', 'pending', undefined],
        ['bob@example.com', 'pending', undefined],
        ['cy@example.org', 'pending', undefined],
      ]);
      expect(newViolations()).toEqual([]);
    });

    it('ensureFields lists merge fields and creates the missing ones', async () => {
      const ensured = await mailchimp.destination!.ensureFields!(ctx(), config(), [
        { key: 'lifetime_value', label: 'Lifetime value', type: 'number' },
        { key: 'is_vip', label: 'VIP', type: 'boolean' },
      ]);
      expect(ensured.map((f) => [f.destinationKey, f.created])).toEqual([
        ['LIFETIMEVA', true],
        ['ISVIP', true],
      ]);
      expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
        'GET /lists/a1b2c3d4e5/merge-fields',
        'POST /lists/a1b2c3d4e5/merge-fields',
        'POST /lists/a1b2c3d4e5/merge-fields',
      ]);
      expect(newViolations()).toEqual([]);
    });

    it('setMembership with tags, then with static segments', async () => {
      const [first, ...rest] = sampleRecords;
      const tagged = await mailchimp.destination!.setMembership!(ctx(), config(), 'High value', rest, [
        first!,
      ]);
      expect(tagged.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      const segmented = await mailchimp.destination!.setMembership!(
        ctx(),
        config({ useStaticSegments: true }),
        'High value',
        rest,
        [first!],
      );
      expect(segmented.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(sent.filter((s) => s.path.includes('/segments')).map((s) => s.method)).toEqual([
        'GET',
        'POST',
        'POST',
        'POST',
      ]);
      expect(newViolations()).toEqual([]);
    });

    it('remove archives and erase deletes permanently', async () => {
      expect(
        (await mailchimp.destination!.remove!(ctx(), config(), sampleRecords)).map((r) => r.status),
      ).toEqual(['ok', 'ok', 'ok']);
      expect(
        (await mailchimp.destination!.erase!(ctx(), config(), sampleRecords)).map((r) => r.status),
      ).toEqual(['ok', 'ok', 'ok']);
      expect(sent.map((s) => s.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'POST', 'POST', 'POST']);
      expect(newViolations()).toEqual([]);
    });
  },
);
