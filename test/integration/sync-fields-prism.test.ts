import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PrismMock, startPrism } from '../helpers/prism.js';
import { describeWithSharedData } from '../helpers/shared-data.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describeWithSharedData(
  'specs/mailchimp/marketing.json',
  'sync field provisioning (Mailchimp, validated by Prism)',
  () => {
    let prism: PrismMock;
    let t: TestApp;
    beforeAll(async () => {
      prism = await startPrism('mailchimp/marketing.json');
      t = await createTestApp();
    }, 90_000);
    afterAll(async () => {
      await t?.close();
      await prism?.stop();
    });

    it('shows the plan without creating anything, then provisions on confirmation', async () => {
      const connection = await (
        await t.call('POST', '/v1/admin/connections', {
          body: {
            connectorId: 'mailchimp',
            name: 'mc',
            config: { apiKey: 'abc123-us21', listId: 'list1', baseUrl: prism.url },
          },
        })
      ).json();
      const sync = await (
        await t.call('POST', '/v1/admin/syncs', {
          body: {
            name: 'mc',
            destinationId: connection.id,
            definition: {
              fields: [
                { from: 'traits.first_name', to: 'FNAME' },
                { from: 'metrics.totalSpent', to: 'LTV', type: 'number' },
              ],
            },
          },
        })
      ).json();
      const plan = await t.call('POST', `/v1/admin/syncs/${sync.id}/fields`, { body: { confirm: false } });
      expect(plan.status).toBe(200);
      const planBody = await plan.json();
      expect(planBody.confirmed).toBe(false);
      expect(planBody.plan.fields.map((f: { key: string }) => f.key)).toEqual(['FNAME', 'LTV']);
      expect(
        planBody.plan.fields.every((f: { action: string }) => ['exists', 'create'].includes(f.action)),
      ).toBe(true);

      const done = await (
        await t.call('POST', `/v1/admin/syncs/${sync.id}/fields`, { body: { confirm: true } })
      ).json();
      expect(done.confirmed).toBe(true);
      expect(done.fields).toHaveLength(2);
      expect(prism.violations()).toEqual([]);
      const audit = await (
        await t.call('GET', `/v1/admin/audit-log?entityType=sync&entityId=${sync.id}`)
      ).json();
      expect(audit.items.map((e: { action: string }) => e.action)).toContain('sync.provision_fields');
    });
  },
);
