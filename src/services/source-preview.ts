import type { AppDeps } from '../app-deps.js';
import { isConnectorError } from '../connector-kit/errors.js';
import type { SourceRecord } from '../connector-kit/types.js';
import { AppError } from '../http/errors.js';
import { loadConnection } from './connections.js';

/**
 * The first records a source connection yields, without storing anything: lets an admin see how
 * columns and identifiers come through before the first import.
 */
export async function previewSource(
  deps: AppDeps,
  id: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ records: SourceRecord[]; truncated: boolean }> {
  const { connector, config } = await loadConnection(deps, id);
  if (!connector.source)
    throw new AppError('conflict', `the '${connector.id}' connector is not a source; nothing to preview`);
  const records: SourceRecord[] = [];
  try {
    for await (const batch of connector.source.read(deps.connectorContext(signal), config, null)) {
      records.push(...batch.records);
      // Stop reading as soon as we have enough: the iterator's return() closes the download.
      if (records.length > limit) break;
    }
  } catch (error) {
    if (isConnectorError(error)) {
      throw new AppError(
        error.code === 'invalid_config' ? 'conflict' : 'upstream_error',
        `source read failed: ${error.message}`,
        error.toJSON(),
      );
    }
    throw error;
  }
  return { records: records.slice(0, limit), truncated: records.length > limit };
}
