import { afterAll } from 'vitest';
import {
  sampleContacts,
  sampleRecords,
  unwritableRecord,
} from '../../connectors/hubspot/fixtures/contacts.js';
import { hubspot } from '../../connectors/hubspot/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { FAKE_TOKEN, startFakeHubspot } from '../fakes/hubspot/server.js';
import { runConnectorContract } from './connector-contract.js';

// The config names the fake's URL, so the fake starts before the suite is defined; each
// context() starts it over with fresh state.
const fake = await startFakeHubspot();
afterAll(() => fake.close());

const SEEDED = 250;
/** The sampled contacts plus one more for the membership case. */
const TOTAL = SEEDED + 1;

runConnectorContract(hubspot, {
  validConfig: { accessToken: FAKE_TOKEN, clientSecret: 'contract-client-secret', basePath: fake.url },
  invalidConfig: { input: { accessToken: FAKE_TOKEN, propertyGroup: 'ESP Hub!' }, path: 'propertyGroup' },
  context: () => {
    fake.reset();
    for (const { properties, atMs } of sampleContacts(SEEDED, Date.parse('2024-01-01T00:00:00Z'))) {
      fake.store.addContact(properties, atMs);
    }
    // Membership adds need existing contacts; the third sample record is otherwise new.
    fake.store.addContact({ email: 'new.person@example.com' }, Date.parse('2023-12-31T00:00:00Z'));
    fake.store.lists.set('vip', new Set());
    return createConnectorContext({ logger: createMemoryLogger() });
  },
  // 251 contacts in batches of 100: three batches.
  source: { expectedRecordCount: TOTAL },
  destination: { records: sampleRecords, badRecord: unwritableRecord },
});
