import { afterAll, beforeAll } from 'vitest';
import { sampleRecords, unwritableRecord } from '../../connectors/mailchimp/fixtures/records.js';
import { mailchimp } from '../../connectors/mailchimp/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { type PrismMock, startPrism } from '../helpers/prism.js';
import { describeWithSharedData } from '../helpers/shared-data.js';
import { runConnectorContract } from './connector-contract.js';

/**
 * The shared suite against Mailchimp's own OpenAPI document served by Prism, which refuses any
 * request that breaks the contract. The config names a placeholder root; the context's fetch
 * sends it to Prism, whose port is only known once it runs.
 */
const PLACEHOLDER_ROOT = 'http://mailchimp.mock.invalid/3.0';

describeWithSharedData('specs/mailchimp/marketing.json', 'mailchimp against Prism', () => {
  let prism: PrismMock;
  beforeAll(async () => {
    prism = await startPrism('mailchimp/marketing.json');
  }, 90_000);
  afterAll(async () => {
    await prism?.stop();
  });

  const context = () =>
    createConnectorContext({
      logger: createMemoryLogger(),
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        return globalThis.fetch(url.replace(PLACEHOLDER_ROOT, prism.url), init);
      },
    });

  runConnectorContract(mailchimp, {
    validConfig: {
      apiKey: 'contract-test-key-us21',
      listId: 'a1b2c3d4e5',
      baseUrl: PLACEHOLDER_ROOT,
      webhookSecret: 'contract-webhook-secret-0001',
    },
    invalidConfig: { input: { apiKey: 'no-data-center!', listId: 'a1b2c3d4e5' }, path: 'apiKey' },
    context,
    destination: { records: sampleRecords, badRecord: unwritableRecord },
  });
});
