import type { IngestRecord } from './types.js';

/**
 * SQLite drivers cut text at U+0000 (libSQL does on read), which would break dedupe and joins, so
 * ingest refuses records whose message id or identifiers contain it. Called for every record of a
 * bulk import: walks the values in place instead of copying them.
 */
export function hasNul(record: IngestRecord): boolean {
  if (isTextWithNul(record.event?.messageId)) return true;
  const identifiers = record.identifiers as Record<string, unknown>;
  for (const name of Object.keys(identifiers)) {
    if (name !== 'externalIds' && isTextWithNul(identifiers[name])) return true;
  }
  const external = (record.identifiers.externalIds ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(external)) if (isTextWithNul(external[name])) return true;
  return false;
}

function isTextWithNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}
