import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';

describe('logger', () => {
  it('writes JSON lines, filters by level and redacts secret-looking fields', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    logger.debug('hidden');
    logger.info('hello', { connectionId: 'conn_1', apiKey: 'sk-live-123', authorization: 'Bearer x' });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'hello',
      connectionId: 'conn_1',
      apiKey: '[REDACTED]',
      authorization: '[REDACTED]',
    });
    expect(lines[0]).not.toContain('sk-live-123');
  });
});
