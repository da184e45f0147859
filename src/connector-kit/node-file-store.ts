/**
 * Node-only FileStore. Imported by the Node entry, never by connectors (which must also run on
 * Workers, where `node:fs` does not exist); connectors only see the `FileStore` interface.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStore } from './types.js';

export function createNodeFileStore(rootDir: string): FileStore {
  const root = path.resolve(rootDir);

  const resolveInside = (relativePath: string): string => {
    assertSafeRelativePath(relativePath);
    const absolute = path.resolve(root, relativePath);
    // Belt and braces after the syntactic check: the resolved path must still be under root.
    if (absolute !== root && !absolute.startsWith(root + path.sep)) {
      throw new Error(`path "${relativePath}" escapes the file store`);
    }
    return absolute;
  };

  return {
    async append(relativePath, data) {
      const file = resolveInside(relativePath);
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, data, 'utf8');
    },

    async write(relativePath, data) {
      const file = resolveInside(relativePath);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a reader (or a crash) never sees half a file.
      const temp = `${file}.${randomUUID()}.tmp`;
      try {
        await writeFile(temp, data, 'utf8');
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async read(relativePath) {
      try {
        return await readFile(resolveInside(relativePath), 'utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async readFirstLine(relativePath) {
      return readFirstLine(resolveInside(relativePath));
    },

    describe(relativePath) {
      return resolveInside(relativePath);
    },
  };
}

/** Rejects absolute paths (POSIX or Windows), `..` segments, empty paths and NUL bytes. */
export function assertSafeRelativePath(relativePath: string): void {
  if (relativePath === '' || relativePath.includes('\0')) {
    throw new Error('file store paths must be non-empty and contain no NUL byte');
  }
  if (
    path.posix.isAbsolute(relativePath) ||
    path.win32.isAbsolute(relativePath) ||
    /^[a-z]:/i.test(relativePath)
  ) {
    throw new Error(`path "${relativePath}" is absolute; file store paths are relative`);
  }
  if (relativePath.split(/[\\/]/).includes('..')) {
    throw new Error(`path "${relativePath}" contains ".."; file store paths may not leave the store`);
  }
}

const CHUNK_BYTES = 64 * 1024;

async function readFirstLine(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const chunks: Buffer[] = [];
    let position = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      const newline = chunk.indexOf(0x0a);
      if (newline >= 0) {
        chunks.push(chunk.subarray(0, newline));
        break;
      }
      chunks.push(chunk);
      position += bytesRead;
    }
    // Decoding once at the end keeps multi-byte characters split across chunks intact.
    return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
