import { describe, expect, it } from 'vitest';
import { csv } from '../../../../connectors/csv/index.js';
import {
  type ConnectorContext,
  createConnectorContext,
  createMemoryLogger,
  parseConfig,
  type SourceRecord,
} from '../../../../src/connector-kit/index.js';
import { fakeCsvUpstream, PROFILES_CSV } from '../../../contract/fixtures/csv-upstream.js';

const URL_A = 'https://files.example.test/a.csv';

function config(input: Record<string, unknown>) {
  const parsed = parseConfig(csv, input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
  return parsed.data;
}

function context(overrides: Partial<ConnectorContext> = {}) {
  const logger = createMemoryLogger();
  return { ctx: createConnectorContext({ logger, ...overrides }), logger };
}

async function readAll(
  ctx: ConnectorContext,
  input: Record<string, unknown>,
  checkpoint: { row: number } | null = null,
) {
  const batches = [];
  for await (const batch of csv.source!.read(ctx, config(input), checkpoint)) batches.push(batch);
  return batches;
}

describe('csv config', () => {
  const pathsOf = (input: unknown) => {
    const result = parseConfig(csv, input);
    return result.success ? [] : result.issues.map((issue) => issue.path);
  };

  it('needs exactly one of url and content', () => {
    expect(pathsOf({})).toEqual(['url']);
    expect(pathsOf({ url: URL_A, content: 'email\n' })).toEqual(['content']);
    expect(pathsOf({ content: 'email\n' })).toEqual([]);
  });

  it('accepts only http(s) URLs', () => {
    expect(pathsOf({ url: 'ftp://files.example.test/a.csv' })).toEqual(['url']);
    expect(pathsOf({ url: 'file:///etc/passwd' })).toEqual(['url']);
    expect(pathsOf({ url: 'http://files.example.test/a.csv' })).toEqual([]);
  });

  it('applies defaults for delimiter, columns and batch size', () => {
    expect(config({ content: 'email\n' })).toEqual({
      content: 'email\n',
      delimiter: ',',
      columns: { email: 'email', phone: 'phone', userId: 'user_id' },
      batchSize: 500,
    });
  });

  it('refuses an authorization header without a url, and one column for two identifiers', () => {
    expect(pathsOf({ content: 'email\n', authorization: 'Bearer x' })).toEqual(['authorization']);
    expect(pathsOf({ content: 'email\n', columns: { email: 'id', userId: 'ID' } })).toEqual([
      'columns.userId',
    ]);
  });

  it('refuses a quote as delimiter and a batch size above the declared limit', () => {
    expect(pathsOf({ content: 'email\n', delimiter: '"' })).toEqual(['delimiter']);
    expect(pathsOf({ content: 'email\n', batchSize: 501 })).toEqual(['batchSize']);
  });
});

describe('csv read', () => {
  it('reads the fixture into records with identifiers and traits', async () => {
    const { ctx } = context();
    const [batch, ...rest] = await readAll(ctx, { content: PROFILES_CSV });
    expect(rest).toEqual([]);
    expect(batch!.checkpoint).toEqual({ row: 9 });
    const byId = new Map<string, SourceRecord>(batch!.records.map((r) => [r.externalId, r]));
    expect(byId.get('row:2')).toEqual({
      externalId: 'row:2',
      identifiers: { email: 'grace@example.com', userId: 'u-2' },
      traits: {
        first_name: 'Grace',
        last_name: 'Hopper',
        city: 'Arlington, VA',
        notes: 'Said "It is easier to ask forgiveness"',
      },
    });
    expect(byId.get('row:3')?.traits.notes).toBe('line one\nline two');
    expect(byId.get('row:3')?.identifiers).toEqual({ phone: '+15555550103' });
    expect(byId.has('row:5')).toBe(false);
  });

  it('warns with the row and line of a row that has no identifier', async () => {
    const { ctx, logger } = context();
    await readAll(ctx, { content: PROFILES_CSV });
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toEqual([
      {
        level: 'warn',
        message: 'skipped a CSV row with no identifier',
        fields: { connector: 'csv', row: 5, line: 7 },
      },
    ]);
  });

  it('skips and reports ragged rows, still advancing the checkpoint past them', async () => {
    const { ctx, logger } = context();
    const batches = await readAll(ctx, { content: 'email,name\na@x.test,A\nb@x.test\n' });
    expect(batches.flatMap((b) => b.records.map((r) => r.identifiers.email))).toEqual(['a@x.test']);
    expect(batches.at(-1)?.checkpoint).toEqual({ row: 2 });
    expect(logger.entries.find((e) => e.level === 'warn')?.fields).toMatchObject({
      row: 2,
      expected: 2,
      actual: 1,
    });
  });

  it('yields batches of batchSize and resumes after a checkpoint', async () => {
    const content = `email\n${Array.from({ length: 7 }, (_, i) => `p${i + 1}@x.test`).join('\n')}\n`;
    const batches = await readAll(context().ctx, { content, batchSize: 3 });
    expect(batches.map((b) => [b.records.length, b.checkpoint.row])).toEqual([
      [3, 3],
      [3, 6],
      [1, 7],
    ]);
    const resumed = await readAll(context().ctx, { content, batchSize: 3 }, { row: 3 });
    expect(resumed.flatMap((b) => b.records.map((r) => r.identifiers.email))).toEqual([
      'p4@x.test',
      'p5@x.test',
      'p6@x.test',
      'p7@x.test',
    ]);
  });

  it('turns malformed CSV into a bad_response ConnectorError naming the line', async () => {
    await expect(readAll(context().ctx, { content: 'email\n"a@x.test"oops\n' })).rejects.toMatchObject({
      name: 'ConnectorError',
      code: 'bad_response',
      retryable: false,
      message: expect.stringContaining('line 2'),
    });
  });

  it('fails with invalid_config when the header has no identifier column', async () => {
    await expect(readAll(context().ctx, { content: 'name\nAda\n' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });

  it('streams a download: the first batch arrives before the file has been fetched', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `p${i}@example.test,Name ${i}`).join('\n');
    const upstream = fakeCsvUpstream({ files: { [URL_A]: `email,name\n${rows}\n` }, chunkBytes: 64 });
    const { ctx } = context({ fetch: upstream.fetch });
    const iterator = csv
      .source!.read(ctx, config({ url: URL_A, batchSize: 10 }), null)
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.records).toHaveLength(10);
    // ~870 chunks in the file; ten rows of ~30 bytes fit in a handful of them.
    expect(upstream.pulledChunks()).toBeGreaterThan(0);
    expect(upstream.pulledChunks()).toBeLessThan(20);
    await iterator.return?.(undefined);
  });

  it('sends the authorization secret with the download and maps a 401 to auth', async () => {
    const upstream = fakeCsvUpstream({ files: { [URL_A]: PROFILES_CSV }, authorization: 'Bearer right' });
    const { ctx } = context({ fetch: upstream.fetch });
    const records = (await readAll(ctx, { url: URL_A, authorization: 'Bearer right' })).flatMap(
      (b) => b.records,
    );
    expect(records).toHaveLength(8);
    expect(upstream.requests[0]?.authorization).toBe('Bearer right');
    await expect(readAll(ctx, { url: URL_A, authorization: 'Bearer wrong' })).rejects.toMatchObject({
      code: 'auth',
      status: 401,
    });
  });
});

describe('csv check', () => {
  it('reports the columns it found, reading only the header of a download', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `p${i}@example.test,${i}`).join('\n');
    const upstream = fakeCsvUpstream({ files: { [URL_A]: `Email,score\n${rows}\n` }, chunkBytes: 32 });
    const result = await csv.check!(context({ fetch: upstream.fetch }).ctx, config({ url: URL_A }));
    expect(result).toEqual({
      ok: true,
      details: {
        columns: ['Email', 'score'],
        identifierColumns: { email: 'Email' },
        externalIdColumn: null,
        traitColumns: ['score'],
      },
    });
    expect(upstream.pulledChunks()).toBeLessThanOrEqual(2);
  });

  it('fails with invalid_config when no identifier column exists', async () => {
    const result = await csv.check!(context().ctx, config({ content: 'name,city\nAda,London\n' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_config', field: 'columns' } });
    if (!result.ok) expect(result.error.message).toContain('no identifier column');
  });

  it('fails with invalid_config on an empty file and with rejected on a missing one', async () => {
    const upstream = fakeCsvUpstream({ files: { [URL_A]: '' } });
    const { ctx } = context({ fetch: upstream.fetch });
    expect(await csv.check!(ctx, config({ url: URL_A }))).toMatchObject({
      ok: false,
      error: { code: 'invalid_config' },
    });
    expect(await csv.check!(ctx, config({ url: 'https://files.example.test/missing.csv' }))).toMatchObject({
      ok: false,
      error: { code: 'rejected', status: 404 },
    });
  });
});
