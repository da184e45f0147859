import { FAKE_BASE_URL, fakeSendgrid } from '../../connectors/sendgrid/fixtures/fake-sendgrid.js';
import {
  sampleFieldDefinitions,
  sampleRecords,
  unwritableRecord,
} from '../../connectors/sendgrid/fixtures/records.js';
import { sendgrid } from '../../connectors/sendgrid/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { runConnectorContract } from './connector-contract.js';

// A fresh fake account per context: the sample's custom fields exist, and so do its contacts, so
// removals have something to remove. Jobs finish on the first poll to keep the suite quick.
const context = () =>
  createConnectorContext({
    fetch: fakeSendgrid({
      fields: sampleFieldDefinitions,
      contacts: Object.fromEntries(
        sampleRecords.map((r, i) => [r.email!.toLowerCase(), `00000000-0000-4000-8000-00000000100${i}`]),
      ),
      pendingPolls: 0,
    }).fetch,
    logger: createMemoryLogger(),
  });

runConnectorContract(sendgrid, {
  validConfig: {
    apiKey: 'SG.fake-key',
    baseUrl: FAKE_BASE_URL,
    webhookPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
  },
  invalidConfig: { input: { apiKey: 'SG.fake-key', listIds: ['vip'] }, path: 'listIds.0' },
  context,
  destination: { records: sampleRecords, badRecord: unwritableRecord },
});
