import { createConsoleLogger } from './logger.js';
import type { ConnectorContext, ConnectorLogger, FileStore } from './types.js';

export interface ConnectorContextOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  logger?: ConnectorLogger;
  signal?: AbortSignal;
  files?: FileStore;
}

/** The host's side of the contract; every default is the real thing, tests override. */
export function createConnectorContext(options: ConnectorContextOptions = {}): ConnectorContext {
  return {
    // Called through globalThis: Workers throw "Illegal invocation" on a detached `fetch`.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createConsoleLogger(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.files ? { files: options.files } : {}),
  };
}
