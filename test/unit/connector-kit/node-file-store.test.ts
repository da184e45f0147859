import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { assertSafeRelativePath, createNodeFileStore } from '../../../src/connector-kit/node-file-store.js';
import type { FileStore } from '../../../src/connector-kit/types.js';

let root: string;
let store: FileStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'esp-hub-store-'));
  store = createNodeFileStore(root);
});

describe('createNodeFileStore', () => {
  it('appends, creating missing directories', async () => {
    await store.append('a/b/c.txt', 'one\n');
    await store.append('a/b/c.txt', 'two\n');
    expect(await readFile(path.join(root, 'a/b/c.txt'), 'utf8')).toBe('one\ntwo\n');
  });

  it('writes whole files, replacing them', async () => {
    await store.write('x/file.txt', 'first');
    await store.write('x/file.txt', 'second');
    expect(await store.read('x/file.txt')).toBe('second');
  });

  it('reads undefined for a missing file', async () => {
    expect(await store.read('nope.txt')).toBeUndefined();
    expect(await store.readFirstLine!('nope/nope.txt')).toBeUndefined();
  });

  it('reads the first line without its line break, even past one read chunk', async () => {
    await store.write('h.csv', 'a,b\r\n1,2\r\n');
    expect(await store.readFirstLine!('h.csv')).toBe('a,b');
    const long = `${'é'.repeat(70_000)}`;
    await writeFile(path.join(root, 'long.csv'), `${long}\nrest`);
    expect(await store.readFirstLine!('long.csv')).toBe(long);
    await store.write('one.txt', 'no newline');
    expect(await store.readFirstLine!('one.txt')).toBe('no newline');
  });

  it('describes paths as absolute locations inside the root', () => {
    expect(store.describe('exports/p.csv')).toBe(path.join(root, 'exports', 'p.csv'));
  });

  it.each(['../outside.txt', 'a/../../outside.txt', '/etc/passwd', 'C:\\Windows\\x', '..\\x', '', 'a\0b'])(
    'refuses the path %j',
    async (bad) => {
      await expect(store.append(bad, 'x')).rejects.toThrow();
      await expect(store.write(bad, 'x')).rejects.toThrow();
      await expect(store.read(bad)).rejects.toThrow();
      expect(() => store.describe(bad)).toThrow();
    },
  );

  it('allows dots that are not a parent reference', () => {
    expect(() => assertSafeRelativePath('exports/.hidden/p..csv')).not.toThrow();
  });
});
