import { defineConnector } from '../../src/connector-kit/index.js';
import { CSV_BATCH_SIZE, csvCheckpointSchema, csvConfigSchema } from './config.js';
import { checkCsv, readCsv } from './read.js';

/** Source: a CSV of profiles, downloaded from a URL (streamed) or pasted inline. */
export const csv = defineConnector({
  id: 'csv',
  displayName: 'CSV file',
  description:
    'Import a CSV of profiles from a URL or pasted text. Identifier columns (email, phone, user id) are ' +
    'matched by header name; every other column becomes a trait.',
  configSchema: csvConfigSchema,
  // One download at a time: a CSV is read front to back, parallel reads would only repeat work.
  limits: { batchSize: CSV_BATCH_SIZE, concurrency: 1 },
  runtimes: ['node', 'worker'],
  check: checkCsv,
  source: { checkpointSchema: csvCheckpointSchema, read: readCsv },
});
