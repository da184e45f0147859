import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { file } from '../../../../connectors/file/index.js';
import {
  type ConnectorContext,
  createConnectorContext,
  createMemoryLogger,
  type DestinationRecord,
  type FileStore,
  parseConfig,
} from '../../../../src/connector-kit/index.js';
import { createNodeFileStore } from '../../../../src/connector-kit/node-file-store.js';

const AT = '2024-05-01T12:00:00.000Z';

async function setup(format: 'jsonl' | 'csv', store?: (root: string) => FileStore) {
  const root = await mkdtemp(path.join(tmpdir(), 'esp-hub-file-unit-'));
  const ctx: ConnectorContext = createConnectorContext({
    files: (store ?? createNodeFileStore)(root),
    logger: createMemoryLogger(),
    now: () => new Date(AT),
  });
  const parsed = parseConfig(file, { format, directory: 'out' });
  if (!parsed.success) throw new Error('bad config');
  const read = (name: string) => readFile(path.join(root, 'out', name), 'utf8');
  return { ctx, config: parsed.data, read, root };
}

const ada: DestinationRecord = {
  profileId: 'prof_1',
  email: 'ada@example.com',
  fields: { first_name: 'Ada', score: 3 },
};
const grace: DestinationRecord = { profileId: 'prof_2', fields: { first_name: 'Grace, "G"', vip: true } };

describe('file config', () => {
  const pathsOf = (input: unknown) => {
    const result = parseConfig(file, input);
    return result.success ? [] : result.issues.map((issue) => issue.path);
  };

  it('has defaults', () => {
    expect(parseConfig(file, {})).toEqual({
      success: true,
      data: { directory: 'exports', format: 'jsonl', fileName: 'profiles' },
    });
  });

  it('treats a trailing slash on the directory as the same place', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'esp-hub-file-unit-'));
    const ctx = createConnectorContext({ files: createNodeFileStore(root), logger: createMemoryLogger() });
    const config = file.configSchema.parse({ directory: 'exports/daily/' });
    await file.destination!.upsert(ctx, config, [ada]);
    expect(await readFile(path.join(root, 'exports', 'daily', 'profiles.jsonl'), 'utf8')).toContain('prof_1');
  });

  it('refuses directories that leave the export root and file names with paths', () => {
    expect(pathsOf({ directory: '/etc' })).toEqual(['directory']);
    expect(pathsOf({ directory: 'a/../../b' })).toEqual(['directory']);
    expect(pathsOf({ directory: 'C:\\temp' })).toEqual(['directory']);
    expect(pathsOf({ fileName: 'x/y' })).toEqual(['fileName']);
    expect(pathsOf({ format: 'xml' })).toEqual(['format']);
  });
});

describe('file destination without a filesystem', () => {
  it('fails check and upsert with invalid_config', async () => {
    const ctx = createConnectorContext({ logger: createMemoryLogger() });
    const config = file.configSchema.parse({});
    expect(await file.check!(ctx, config)).toEqual({
      ok: false,
      error: {
        code: 'invalid_config',
        message: 'the file destination needs a filesystem (Node entry)',
        retryable: false,
      },
    });
    await expect(file.destination!.upsert(ctx, config, [ada])).rejects.toMatchObject({
      code: 'invalid_config',
      message: 'the file destination needs a filesystem (Node entry)',
    });
  });
});

describe('JSONL format', () => {
  it('appends one upsert line per writable record and fails the unwritable ones', async () => {
    const { ctx, config, read } = await setup('jsonl');
    const nan = { profileId: 'prof_nan', fields: { score: Number.NaN } } as DestinationRecord;
    const results = await file.destination!.upsert(ctx, config, [ada, nan, grace]);
    expect(results).toEqual([
      { profileId: 'prof_1', status: 'ok' },
      {
        profileId: 'prof_nan',
        status: 'failed',
        error: expect.objectContaining({ code: 'rejected', field: 'score', retryable: false }),
      },
      { profileId: 'prof_2', status: 'ok' },
    ]);
    const lines = (await read('profiles.jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        op: 'upsert',
        profileId: 'prof_1',
        email: 'ada@example.com',
        fields: { first_name: 'Ada', score: 3 },
        at: AT,
      },
      {
        op: 'upsert',
        profileId: 'prof_2',
        email: null,
        fields: { first_name: 'Grace, "G"', vip: true },
        at: AT,
      },
    ]);
  });

  it('writes remove lines to the same file and membership lines to a per-list file', async () => {
    const { ctx, config, read } = await setup('jsonl');
    await file.destination!.remove!(ctx, config, [ada]);
    const results = await file.destination!.setMembership!(ctx, config, 'vip-2024', [grace], [ada]);
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['prof_2', 'ok'],
      ['prof_1', 'ok'],
    ]);
    expect(JSON.parse(await read('profiles.jsonl'))).toEqual({
      op: 'remove',
      profileId: 'prof_1',
      email: 'ada@example.com',
      at: AT,
    });
    const membership = (await read('profiles.vip-2024.membership.jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(membership).toEqual([
      { op: 'add', list: 'vip-2024', profileId: 'prof_2', email: null, at: AT },
      { op: 'remove', list: 'vip-2024', profileId: 'prof_1', email: 'ada@example.com', at: AT },
    ]);
  });

  it('fails every membership record for a list name that cannot be part of a file name', async () => {
    const { ctx, config } = await setup('jsonl');
    const results = await file.destination!.setMembership!(ctx, config, '../escape', [ada], [grace]);
    expect(results.map((r) => (r.status === 'failed' ? r.error.field : r.status))).toEqual(['list', 'list']);
  });

  it('ensureFields creates nothing', async () => {
    const { ctx, config } = await setup('jsonl');
    const ensured = await file.destination!.ensureFields!(ctx, config, [
      { key: 'score', label: 'Score', type: 'number' },
    ]);
    expect(ensured).toEqual([
      { key: 'score', label: 'Score', type: 'number', destinationKey: 'score', created: false },
    ]);
  });
});

describe('CSV format', () => {
  it('writes the header once, columns in first-seen order, and quotes where needed', async () => {
    const { ctx, config, read } = await setup('csv');
    await file.destination!.upsert(ctx, config, [ada, grace]);
    await file.destination!.upsert(ctx, config, [{ profileId: 'prof_3', fields: { vip: false } }]);
    expect(await read('profiles.csv')).toBe(
      'profileId,email,first_name,score,vip\r\n' +
        'prof_1,ada@example.com,Ada,3,\r\n' +
        'prof_2,,"Grace, ""G""",,true\r\n' +
        'prof_3,,,,false\r\n',
    );
  });

  it('fails records carrying a field the header lacks, naming the field, and writes the rest', async () => {
    const { ctx, config, read } = await setup('csv');
    await file.destination!.upsert(ctx, config, [ada]);
    const results = await file.destination!.upsert(ctx, config, [
      grace,
      { profileId: 'prof_3', fields: { score: 9 } },
    ]);
    expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'rejected', field: 'vip' } });
    if (results[0]?.status === 'failed') expect(results[0].error.message).toMatch(/columns are fixed/);
    expect(results[1]).toEqual({ profileId: 'prof_3', status: 'ok' });
    expect((await read('profiles.csv')).split('\r\n')).toEqual([
      'profileId,email,first_name,score',
      'prof_1,ada@example.com,Ada,3',
      'prof_3,,,9',
      '',
    ]);
  });

  it('refuses a field named like a built-in column', async () => {
    const { ctx, config } = await setup('csv');
    const [result] = await file.destination!.upsert(ctx, config, [
      { profileId: 'p', fields: { email: 'x' } },
    ]);
    expect(result).toMatchObject({ status: 'failed', error: { field: 'email' } });
  });

  it('ensureFields starts the file with the fields, then reports them as existing', async () => {
    const { ctx, config, read } = await setup('csv');
    const specs = [
      { key: 'score', label: 'Score', type: 'number' as const },
      { key: 'first_name', label: 'First name', type: 'text' as const },
    ];
    const first = await file.destination!.ensureFields!(ctx, config, specs);
    expect(first.map((f) => f.created)).toEqual([true, true]);
    const again = await file.destination!.ensureFields!(ctx, config, specs.slice(0, 1));
    expect(again).toEqual([{ ...specs[0], destinationKey: 'score', created: false }]);
    expect(await read('profiles.csv')).toBe('profileId,email,score,first_name\r\n');

    await expect(
      file.destination!.ensureFields!(ctx, config, [{ key: 'city', label: 'City', type: 'text' }]),
    ).rejects.toMatchObject({ code: 'invalid_config', field: 'city' });
  });

  it('writes removes to a separate fixed-column file', async () => {
    const { ctx, config, read } = await setup('csv');
    await file.destination!.remove!(ctx, config, [ada]);
    await file.destination!.remove!(ctx, config, [grace]);
    expect(await read('profiles.removals.csv')).toBe(
      `profileId,email,removedAt\r\nprof_1,ada@example.com,${AT}\r\nprof_2,,${AT}\r\n`,
    );
  });

  it('reads the header through read() when the store has no readFirstLine', async () => {
    const withoutFirstLine = (root: string): FileStore => {
      const { readFirstLine: _omit, ...rest } = createNodeFileStore(root);
      return rest;
    };
    const { ctx, config, read } = await setup('csv', withoutFirstLine);
    await file.destination!.upsert(ctx, config, [ada]);
    await file.destination!.upsert(ctx, config, [{ profileId: 'prof_3', fields: { score: 1 } }]);
    expect((await read('profiles.csv')).split('\r\n')[0]).toBe('profileId,email,first_name,score');
    expect((await read('profiles.csv')).match(/profileId/g)).toHaveLength(1);
  });

  it('check reports the location and the existing columns', async () => {
    const { ctx, config, root } = await setup('csv');
    await file.destination!.upsert(ctx, config, [ada]);
    expect(await file.check!(ctx, config)).toEqual({
      ok: true,
      details: {
        location: path.join(root, 'out', 'profiles.csv'),
        format: 'csv',
        columns: ['profileId', 'email', 'first_name', 'score'],
      },
    });
  });
});
