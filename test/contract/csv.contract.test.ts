import { csv } from '../../connectors/csv/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { runConnectorContract } from './connector-contract.js';
import { fakeCsvUpstream, PROFILES_CSV } from './fixtures/csv-upstream.js';

const URL_OF_FIXTURE = 'https://files.example.test/exports/profiles.csv';
const TOKEN = 'Bearer contract-secret-token';

runConnectorContract(csv, {
  // batchSize 3 over 8 records gives three batches, so there is a real "middle" to resume from.
  validConfig: { url: URL_OF_FIXTURE, authorization: TOKEN, batchSize: 3 },
  invalidConfig: {
    input: { content: 'email\na@example.com\n', columns: { email: '  ' } },
    path: 'columns.email',
  },
  context: () =>
    createConnectorContext({
      fetch: fakeCsvUpstream({ files: { [URL_OF_FIXTURE]: PROFILES_CSV }, authorization: TOKEN }).fetch,
      logger: createMemoryLogger(),
    }),
  // 9 data rows in fixtures/profiles.csv, one of which has no identifier.
  source: { expectedRecordCount: 8 },
});
