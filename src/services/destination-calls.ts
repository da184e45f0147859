import { asc } from 'drizzle-orm';
import { getConnector } from '../../connectors/registry.js';
import type { AppDeps } from '../app-deps.js';
import { isConnectorError } from '../connector-kit/errors.js';
import type { Connector, DestinationRecord } from '../connector-kit/types.js';
import { connections, syncs } from '../db/schema/index.js';
import { errorFields } from '../lib/logger.js';
import { openConnectionConfig } from './connections.js';

/** A connection whose connector can write to a destination, with its opened config. */
export interface DestinationConnection {
  id: string;
  connectorId: string;
  connector: Connector;
  config: Record<string, unknown>;
  /** Why the connection cannot be called here (another runtime's connector), when it cannot. */
  unusable?: string;
}

/**
 * Connections with a destination capability. `syncedOnly` keeps those some sync writes to: a
 * suppression is pushed only where we put people, never into a CRM we merely read from.
 */
export async function destinationConnections(
  deps: AppDeps,
  options: { syncedOnly: boolean },
): Promise<DestinationConnection[]> {
  const rows = await deps.db.select().from(connections).orderBy(asc(connections.id));
  const synced = options.syncedOnly
    ? new Set((await deps.db.selectDistinct({ id: syncs.destinationId }).from(syncs)).map((row) => row.id))
    : undefined;
  const out: DestinationConnection[] = [];
  for (const row of rows) {
    const connector = getConnector(row.connectorId);
    if (!connector?.destination || (synced && !synced.has(row.id))) continue;
    const base = { id: row.id, connectorId: row.connectorId, connector };
    if (!connector.runtimes.includes(deps.runtime)) {
      out.push({
        ...base,
        config: {},
        unusable: `the '${row.connectorId}' connector does not run on ${deps.runtime}`,
      });
      continue;
    }
    out.push({ ...base, config: await openConnectionConfig(deps, row) });
  }
  return out;
}

/** 'done', 'skipped: <reason>' or 'failed: <message>': what a propagation map records. */
export type Outcome = string;
export const DONE = 'done';
export const isSettled = (outcome: Outcome | undefined) =>
  outcome === DONE || (outcome?.startsWith('skipped') ?? false);

/**
 * Calls `erase` (falling back to `remove`) or `remove` on one destination for one person's
 * records, and folds the per-record results into one outcome: settled when every record is ok or
 * skipped, else the first failure's message. Never throws: a failing destination must not stop
 * the others.
 */
export async function callDestination(
  deps: AppDeps,
  destination: DestinationConnection,
  operation: 'erase' | 'remove',
  records: DestinationRecord[],
): Promise<Outcome> {
  if (destination.unusable) return `failed: ${destination.unusable}`;
  const capability = destination.connector.destination!;
  const call = (operation === 'erase' ? capability.erase : undefined) ?? capability.remove;
  if (!call) return `skipped: the '${destination.connectorId}' connector cannot remove contacts`;
  if (records.length === 0) return 'skipped: no identifiers to remove by';
  try {
    const results = await call.call(capability, deps.connectorContext(), destination.config, records);
    const failed = results.find((result) => result.status === 'failed');
    if (failed?.status === 'failed') return `failed: ${failed.error.message || failed.error.code}`;
    if (results.length > 0 && results.every((result) => result.status === 'skipped'))
      return `skipped: ${results[0]?.status === 'skipped' ? results[0].reason : 'nothing to do'}`;
    return DONE;
  } catch (error) {
    if (isConnectorError(error)) return `failed: ${error.message}`;
    deps.logger.error('destination call threw an unexpected error', {
      connectionId: destination.id,
      operation,
      ...errorFields(error),
    });
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
