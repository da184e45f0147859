import { describe, expect, it, vi } from 'vitest';
import {
  createConnectorContext,
  createConsoleLogger,
  createMemoryLogger,
} from '../../../src/connector-kit/index.js';

describe('createConnectorContext', () => {
  it('defaults to the real clock and global fetch, with no signal or files', async () => {
    const ctx = createConnectorContext({ logger: createMemoryLogger() });
    const before = Date.now();
    expect(ctx.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(ctx).not.toHaveProperty('files');
    expect(ctx).not.toHaveProperty('signal');
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('ok'));
    try {
      await ctx.fetch('https://example.test/');
      // Looked up at call time, so hosts and tests that replace globalThis.fetch are honoured.
      expect(spy).toHaveBeenCalledOnce();
    } finally {
      spy.mockRestore();
    }
  });

  it('uses what it is given', () => {
    const fetchImpl = (async () => new Response('')) as typeof fetch;
    const signal = new AbortController().signal;
    const now = () => new Date(0);
    const ctx = createConnectorContext({ fetch: fetchImpl, now, signal });
    expect(ctx.fetch).toBe(fetchImpl);
    expect(ctx.now()).toEqual(new Date(0));
    expect(ctx.signal).toBe(signal);
  });
});

describe('createConsoleLogger', () => {
  it('writes one JSON object per line with level, message, base and fields', () => {
    const lines: [string, string][] = [];
    const logger = createConsoleLogger({
      base: { connector: 'csv' },
      write: (level, line) => lines.push([level, line]),
    });
    logger.warn('skipped a row', { row: 5 });
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('warn');
    expect(JSON.parse(lines[0]![1])).toMatchObject({
      level: 'warn',
      msg: 'skipped a row',
      connector: 'csv',
      row: 5,
    });
  });

  it('drops lines below the minimum level and never throws on awkward fields', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ minLevel: 'warn', write: (_level, line) => lines.push(line) });
    logger.info('dropped');
    const cyclic: Record<string, unknown> = { big: 10n, error: new Error('nope') };
    cyclic.self = cyclic;
    expect(() => logger.error('kept', { cyclic })).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'kept',
      cyclic: { big: '10', error: { message: 'nope' }, self: '[Circular]' },
    });
  });
});
