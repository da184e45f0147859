import type { AppDeps } from '../app-deps.js';
import type { SourceRecord } from '../connector-kit/types.js';
import { ingest } from './pipeline.js';
import type { IngestRecord, IngestResult } from './types.js';

/**
 * What a source connector's batch becomes: one profile record per source record, identified by
 * its identifiers and by the source's own id (namespaced as `external:<source>`), traits as given.
 * The sync engine calls this for each batch a source yields, then stores the checkpoint.
 */
export function sourceRecordsToIngest(source: string, records: SourceRecord[], now: Date): IngestRecord[] {
  return records.map((record) => ({
    source,
    identifiers: {
      email: record.identifiers.email,
      phone: record.identifiers.phone,
      userId: record.identifiers.userId,
      externalIds: { [source]: record.externalId },
    },
    traits: record.traits,
    observedAt: record.updatedAt ? new Date(record.updatedAt) : now,
    reference: record.externalId,
  }));
}

export function ingestSourceBatch(
  deps: AppDeps,
  source: string,
  records: SourceRecord[],
): Promise<IngestResult[]> {
  return ingest(deps, sourceRecordsToIngest(source, records, deps.now()));
}
