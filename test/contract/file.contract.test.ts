import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { file } from '../../connectors/file/index.js';
import {
  createConnectorContext,
  createMemoryLogger,
  type DestinationRecord,
} from '../../src/connector-kit/index.js';
import { createNodeFileStore } from '../../src/connector-kit/node-file-store.js';
import { runConnectorContract } from './connector-contract.js';

const records: DestinationRecord[] = [
  {
    profileId: 'prof_contract_1',
    email: 'ada@example.com',
    fields: { first_name: 'Ada', orders: 3, vip: true },
  },
  {
    profileId: 'prof_contract_2',
    email: 'grace@example.com',
    fields: { first_name: 'Grace, "Amazing"', orders: 0 },
  },
  { profileId: 'prof_contract_3', fields: { first_name: null, vip: false } },
];
// Types promise scalars; runtime data from a mapping may not keep that promise.
const badRecord = {
  profileId: 'prof_contract_bad',
  email: 'bad@example.com',
  fields: { first_name: { nested: 'object' } },
} as unknown as DestinationRecord;

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
    destination: { records, badRecord },
  });
}
