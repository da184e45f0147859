import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EvalRecsArgs,
  interactionsFromText,
  parseEvalRecsArgs,
  parseTime,
  resolveColumns,
  UsageError,
} from '../../../src/cli/eval-recs.js';
import { generateSynthetic } from '../../../src/recommend/synthetic.js';

const base = ['--interactions', 'x.csv', '--user-col', 'user', '--item-col', 'item'];

function args(overrides: Partial<EvalRecsArgs> = {}): EvalRecsArgs {
  return { ...parseEvalRecsArgs(base), ...overrides };
}

describe('eval:recs arguments', () => {
  it('reads flags with defaults, and both --flag value and --flag=value', () => {
    expect(parseEvalRecsArgs(base)).toMatchObject({ sep: ',', folds: 5, k: 10, seed: 1, header: 'auto' });
    expect(parseEvalRecsArgs([...base, '--folds=3', '--k', '5', '--sep', '\\t'])).toMatchObject({
      folds: 3,
      k: 5,
      sep: '\t',
    });
    expect(parseEvalRecsArgs([...base, '--sep', 'tab']).sep).toBe('\t');
  });

  it('names the flag in every complaint', () => {
    expect(() => parseEvalRecsArgs(['--user-col', 'u', '--item-col', 'i'])).toThrow(
      /--interactions is required/,
    );
    expect(() => parseEvalRecsArgs(['--interactions', 'x', '--item-col', 'i'])).toThrow(
      /--user-col is required/,
    );
    expect(() => parseEvalRecsArgs([...base, '--fold', '5'])).toThrow(/unknown flag --fold/);
    expect(() => parseEvalRecsArgs([...base, '--folds', '1'])).toThrow(/--folds must be an integer ≥ 2/);
    expect(() => parseEvalRecsArgs([...base, '--k', 'ten'])).toThrow(/--k must be an integer/);
    expect(() => parseEvalRecsArgs([...base, '--sep', ';;'])).toThrow(/--sep/);
    expect(() => parseEvalRecsArgs([...base, '--header', 'maybe'])).toThrow(/--header/);
    expect(() => parseEvalRecsArgs([...base, '--k'])).toThrow(/--k needs a value/);
    expect(() => parseEvalRecsArgs([...base, 'extra'])).toThrow(UsageError);
  });
});

describe('eval:recs columns', () => {
  const withHeader = [
    ['user', 'item', 'when'],
    ['1', '10', '881250949'],
  ];
  const headerless = [
    ['196', '242', '3', '881250949'],
    ['186', '302', '3', '891717742'],
  ];
  const spec = (flag: string, value: string) => ({ flag, spec: value });

  it('finds named columns in a header row', () => {
    expect(
      resolveColumns(withHeader, [spec('user-col', 'user'), spec('item-col', 'item')], 'auto'),
    ).toMatchObject({
      indices: [0, 1],
      hasHeader: true,
    });
    expect(
      resolveColumns(withHeader, [spec('user-col', 'USER'), spec('item-col', 'When')], 'auto').indices,
    ).toEqual([0, 2]);
    expect(() => resolveColumns(withHeader, [spec('user-col', 'user')], 'no')).toThrow(/no header row/);
  });

  it('numbers count from 1, or from 0 when a flag says 0; a numeric first row is data', () => {
    expect(resolveColumns(headerless, [spec('user-col', '1'), spec('item-col', '2')], 'auto')).toEqual({
      indices: [0, 1],
      hasHeader: false,
      zeroBased: false,
    });
    expect(resolveColumns(headerless, [spec('user-col', '0'), spec('item-col', '1')], 'auto')).toMatchObject({
      indices: [0, 1],
      zeroBased: true,
    });
    // Numbered columns over a text header: the header is detected and skipped.
    expect(resolveColumns(withHeader, [spec('user-col', '1'), spec('item-col', '2')], 'auto').hasHeader).toBe(
      true,
    );
  });

  it('names the flag and what exists when a column is missing', () => {
    expect(() =>
      resolveColumns(withHeader, [spec('user-col', 'user'), spec('item-col', 'sku')], 'auto'),
    ).toThrow("--item-col: no column named 'sku' (columns: user, item, when)");
    expect(() => resolveColumns(headerless, [spec('user-col', 'user_id')], 'auto')).toThrow(
      /--user-col: no column named 'user_id' \(the file has no header row/,
    );
    expect(() => resolveColumns(headerless, [spec('user-col', '1'), spec('time-col', '9')], 'auto')).toThrow(
      /--time-col 9: the file has only 4 columns/,
    );
  });
});

describe('eval:recs file reading', () => {
  it('reads a quoted CSV with a header, times and categories; every row is an interaction', () => {
    const text = [
      'customer,"product, id",rating,at,category',
      '"a@x.com","sku ""1""",5,2024-05-01T10:00:00Z,"tops, summer"',
      '"a@x.com",sku2,1,2024-05-02,bottoms',
      'b,sku2,3,1714600000,bottoms',
    ].join('\r\n');
    const loaded = interactionsFromText(
      text,
      args({ userCol: 'customer', itemCol: 'product, id', timeCol: 'at', categoryCol: 'category' }),
    );
    expect(loaded.interactions).toEqual([
      { userId: 'a@x.com', itemId: 'sku "1"', at: Date.UTC(2024, 4, 1, 10) },
      { userId: 'a@x.com', itemId: 'sku2', at: Date.UTC(2024, 4, 2) },
      { userId: 'b', itemId: 'sku2', at: 1_714_600_000_000 },
    ]);
    expect(loaded.categories?.get('sku "1"')).toBe('tops, summer');
  });

  it('reads a headerless tab-separated ratings file, skipping rows without user or item', () => {
    const text = '196\t242\t3\t881250949\n186\t302\t3\t891717742\n\t5\t1\t1\n';
    const loaded = interactionsFromText(text, args({ userCol: '1', itemCol: '2', timeCol: '4', sep: '\t' }));
    expect(loaded.interactions.map((row) => [row.userId, row.itemId])).toEqual([
      ['196', '242'],
      ['186', '302'],
    ]);
    expect(loaded.skippedRows).toBe(1);
    expect(loaded.hasHeader).toBe(false);
  });

  it('rejects unreadable times and broken quoting with the flag named', () => {
    expect(() =>
      interactionsFromText('u,i,t\na,b,yesterday\n', args({ userCol: 'u', itemCol: 'i', timeCol: 't' })),
    ).toThrow(/--time-col: 'yesterday' in data row 1/);
    expect(() => interactionsFromText('u,i\n"a,b\n', args({ userCol: 'u', itemCol: 'i' }))).toThrow(
      /--interactions/,
    );
    expect(parseTime('881250949')).toBe(881_250_949_000);
    expect(parseTime('1714600000000')).toBe(1_714_600_000_000);
  });
});

describe('eval:recs command', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'eval-recs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (argv: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/eval-recs.ts', ...argv], {
      cwd: root,
      encoding: 'utf8',
    });

  it('exits 2 naming the flag for a missing column or file', () => {
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, 'user,item\na,b\n');
    const missing = run(['--interactions', file, '--user-col', 'user', '--item-col', 'product']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--item-col: no column named 'product'");
    const absent = run([
      '--interactions',
      join(dir, 'absent.csv'),
      '--user-col',
      'user',
      '--item-col',
      'item',
    ]);
    expect(absent.status).toBe(2);
    expect(absent.stderr).toContain('--interactions: cannot read');
  });

  it('prints one line per algorithm, the category line only with a category column', () => {
    const data = generateSynthetic({
      users: 60,
      items: 80,
      interactions: 1_500,
      minPerUser: 5,
      maxPerUser: 60,
      seed: 2,
    });
    const file = join(dir, 'small.csv');
    writeFileSync(
      file,
      `user,item,genre\n${data.interactions.map((row) => `${row.userId},${row.itemId},${data.categories.get(row.itemId)}`).join('\n')}\n`,
    );
    const result = run([
      '--interactions',
      file,
      '--user-col',
      'user',
      '--item-col',
      'item',
      '--category-col',
      'genre',
      '--folds',
      '3',
      '--k',
      '5',
    ]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => /algo=(\w+)/.exec(line)?.[1])).toEqual([
      'popularity',
      'item_knn',
      'als',
      'category',
      'blend',
    ]);
    for (const line of lines)
      expect(line).toMatch(/^recs: algo=\w+ p@5=0\.\d{3} r@5=0\.\d{3} ndcg@5=0\.\d{3}$/);
    expect(result.stderr).toMatch(/rows=1\d{3} .*users=60/);
  });
});
