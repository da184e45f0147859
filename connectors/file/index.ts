import { defineConnector } from '../../src/connector-kit/index.js';
import { fileConfigSchema } from './config.js';
import { checkFile, ensureFileFields, removeFromFile, setFileMembership, upsertFile } from './write.js';

/**
 * Destination: export files for ESPs without an API (or for audits). Append-only logs: a later
 * line for a profile supersedes earlier ones. Needs the host's FileStore, so Node only.
 */
export const file = defineConnector({
  id: 'file',
  displayName: 'File export',
  description:
    'Write profile exports as JSONL or CSV files for ESPs without an API. Runs on the Node entry, which ' +
    'provides the filesystem.',
  configSchema: fileConfigSchema,
  // Concurrency 1 is load-bearing: the CSV header is read, then appended to, with no lock.
  limits: { batchSize: 1000, concurrency: 1 },
  runtimes: ['node'],
  check: checkFile,
  destination: {
    ensureFields: ensureFileFields,
    upsert: upsertFile,
    remove: removeFromFile,
    setMembership: setFileMembership,
  },
});
