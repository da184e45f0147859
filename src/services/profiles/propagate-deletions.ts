import { and, asc, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import type { DestinationRecord } from '../../connector-kit/types.js';
import { deletions } from '../../db/schema/index.js';
import { errorFields } from '../../lib/logger.js';
import { callDestination, destinationConnections, isSettled } from '../destination-calls.js';
import { openErasedIdentifiers } from './erased-identifiers.js';

/** The scheduler stops retrying a deletion after this many passes; an admin run still tries it. */
export const DELETION_MAX_ATTEMPTS = 10;
/** Deletions handled per pass, so one run stays within a Worker's time. */
const DELETIONS_PER_RUN = 25;

export interface PropagationSummary {
  processed: number;
  completed: number;
  failed: number;
}

/**
 * Deletes erased people at every destination connection: `erase` where the connector has it
 * (Mailchimp permanent delete, SendGrid delete, HubSpot GDPR delete), `remove` otherwise. The
 * outcome per connection goes into `deletions.propagation`; settled connections are not called
 * again, failed ones are retried on the next pass. When every destination has settled the row is
 * completed and the sealed identifiers are dropped: nothing of the person is left here.
 * Connections added while a deletion is pending are included; ESP deletes are idempotent (an
 * address already gone counts as done), so a pass that overlaps another only repeats work.
 */
export async function propagateDeletions(
  deps: AppDeps,
  options: { ignoreAttemptLimit?: boolean } = {},
): Promise<PropagationSummary> {
  const rows = await deps.db
    .select()
    .from(deletions)
    .where(
      and(
        isNull(deletions.completedAt),
        isNotNull(deletions.identifiersSealed),
        options.ignoreAttemptLimit ? undefined : lt(deletions.attempts, DELETION_MAX_ATTEMPTS),
      ),
    )
    .orderBy(asc(deletions.requestedAt), asc(deletions.id))
    .limit(DELETIONS_PER_RUN);
  const summary: PropagationSummary = { processed: 0, completed: 0, failed: 0 };
  if (rows.length === 0) return summary;
  const destinations = await destinationConnections(deps, { syncedOnly: false });

  for (const row of rows) {
    summary.processed++;
    let records: DestinationRecord[];
    try {
      records = recordsOf(row.profileId, (await openErasedIdentifiers(deps, row.identifiersSealed!)).emails);
    } catch (error) {
      // A row sealed under another key cannot be opened here; retrying will not help, so log it loudly.
      deps.logger.error('cannot open the identifiers of a deletion', {
        deletionId: row.id,
        ...errorFields(error),
      });
      summary.failed++;
      await deps.db
        .update(deletions)
        .set({ attempts: row.attempts + 1 })
        .where(eq(deletions.id, row.id));
      continue;
    }
    const propagation = { ...row.propagation };
    for (const destination of destinations) {
      if (isSettled(propagation[destination.id])) continue;
      propagation[destination.id] = await callDestination(deps, destination, 'erase', records);
    }
    // Only the destinations that exist now decide: a connection deleted meanwhile holds nothing we can reach.
    const done = destinations.every((destination) => isSettled(propagation[destination.id]));
    await deps.db
      .update(deletions)
      .set({
        propagation,
        attempts: row.attempts + 1,
        ...(done ? { completedAt: deps.now(), identifiersSealed: null } : {}),
      })
      .where(and(eq(deletions.id, row.id), isNull(deletions.completedAt)));
    if (done) summary.completed++;
    else summary.failed++;
  }
  return summary;
}

/**
 * One record per address, lowercased: ESPs match addresses case-insensitively, so the raw and the
 * normalized form of one address are one delete, not a second call that finds nothing.
 */
function recordsOf(profileId: string, emails: string[]): DestinationRecord[] {
  const seen = new Set<string>();
  const records: DestinationRecord[] = [];
  for (const email of emails) {
    const key = email.trim().toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    records.push({ profileId, email: key, fields: {} });
  }
  return records;
}
