import { type ConnectorContext, ConnectorError, requestStream } from '../../src/connector-kit/index.js';
import type { CsvConfig } from './config.js';
import { chunkText, decodeUtf8 } from './parse.js';

/** Waiting for the server to start answering; the body itself may take as long as it takes. */
const HEADERS_TIMEOUT_MS = 30_000;

/**
 * The CSV as a stream of text chunks, from the URL or the inline content. Downloads are never
 * buffered whole: chunks are decoded and handed on as they arrive.
 */
export async function* openCsvText(ctx: ConnectorContext, config: CsvConfig): AsyncGenerator<string> {
  if (config.content !== undefined) {
    yield* chunkText(config.content);
    return;
  }
  if (config.url === undefined) {
    throw new ConnectorError('invalid_config', 'give url or content', { field: 'url' });
  }
  const response = await requestStream({
    ctx,
    url: config.url,
    headers: {
      accept: 'text/csv, text/plain;q=0.9, */*;q=0.1',
      ...(config.authorization ? { authorization: config.authorization } : {}),
    },
    timeoutMs: HEADERS_TIMEOUT_MS,
  });
  if (response.body === null) return;
  yield* decodeUtf8(response.body);
}
