import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleRecords, unwritableRecord } from '../../connectors/file/fixtures/records.js';
import { file } from '../../connectors/file/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { createNodeFileStore } from '../../src/connector-kit/node-file-store.js';
import { runConnectorContract } from './connector-contract.js';

const context = async () =>
  createConnectorContext({
    files: createNodeFileStore(await mkdtemp(path.join(tmpdir(), 'esp-hub-file-contract-'))),
    logger: createMemoryLogger(),
    now: () => new Date('2024-05-01T12:00:00.000Z'),
  });

for (const format of ['jsonl', 'csv'] as const) {
  runConnectorContract(file, {
    label: format,
    validConfig: { directory: 'exports/nightly', format, fileName: 'profiles' },
    invalidConfig: { input: { directory: '../outside', format }, path: 'directory' },
    context,
    destination: { records: sampleRecords, badRecord: unwritableRecord },
  });
}
