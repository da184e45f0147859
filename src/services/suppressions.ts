import { and, asc, desc, eq, isNull, lt } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { consent, identities, suppressions } from '../db/schema/index.js';
import { AppError } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { callDestination, destinationConnections, isSettled } from './destination-calls.js';
import { resolveProfile } from './profiles/resolve.js';

/** The scheduler stops retrying a push after this many passes; the row stays visible as pending. */
export const SUPPRESSION_MAX_ATTEMPTS = 10;
/** Pushes per pass, so one run stays within a Worker's time. */
const SUPPRESSIONS_PER_RUN = 100;

export function suppressionRow(profileId: string, originConnectionId: string, reason: string, now: Date) {
  return {
    id: newId('sup'),
    profileId,
    originConnectionId,
    reason,
    createdAt: now,
    propagation: {},
    attempts: 0,
  };
}

export interface SuppressionSummary {
  processed: number;
  completed: number;
  failed: number;
}

/**
 * Pushes unsubscribes and hard bounces learned from one ESP to the other destinations (those a
 * sync writes to), through their `remove`. Decided at push time, not when queued: the person's
 * current email consent must still be "unsubscribed" (a later re-subscribe wins) and the address
 * is the one syncs send (the first-seen email). Erased or unknown people are settled with nothing
 * sent; their erasure reaches every destination on its own.
 */
export async function pushSuppressions(deps: AppDeps): Promise<SuppressionSummary> {
  const rows = await deps.db
    .select()
    .from(suppressions)
    .where(and(isNull(suppressions.completedAt), lt(suppressions.attempts, SUPPRESSION_MAX_ATTEMPTS)))
    .orderBy(asc(suppressions.createdAt), asc(suppressions.id))
    .limit(SUPPRESSIONS_PER_RUN);
  const summary: SuppressionSummary = { processed: 0, completed: 0, failed: 0 };
  if (rows.length === 0) return summary;
  const destinations = await destinationConnections(deps, { syncedOnly: true });

  for (const row of rows) {
    summary.processed++;
    const propagation = { ...row.propagation };
    const target = await pushTarget(deps, row.profileId);
    const others = destinations.filter((destination) => destination.id !== row.originConnectionId);
    for (const destination of others) {
      if (isSettled(propagation[destination.id])) continue;
      propagation[destination.id] =
        'skip' in target
          ? `skipped: ${target.skip}`
          : await callDestination(deps, destination, 'remove', [
              { profileId: target.profileId, email: target.email, fields: {} },
            ]);
    }
    const done = others.every((destination) => isSettled(propagation[destination.id]));
    await deps.db
      .update(suppressions)
      .set({ propagation, attempts: row.attempts + 1, ...(done ? { completedAt: deps.now() } : {}) })
      .where(and(eq(suppressions.id, row.id), isNull(suppressions.completedAt)));
    if (done) summary.completed++;
    else summary.failed++;
  }
  return summary;
}

type Target = { profileId: string; email: string } | { skip: string };

async function pushTarget(deps: AppDeps, profileId: string): Promise<Target> {
  let survivorId: string;
  try {
    survivorId = (await resolveProfile(deps, profileId)).profile.id;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'gone' || error.code === 'not_found'))
      return { skip: 'the profile was erased' };
    throw error;
  }
  const [latest] = await deps.db
    .select({ status: consent.status })
    .from(consent)
    .where(and(eq(consent.profileId, survivorId), eq(consent.channel, 'email')))
    .orderBy(desc(consent.updatedAt))
    .limit(1);
  if (latest?.status !== 'unsubscribed') return { skip: 'email consent is no longer unsubscribed' };
  const [email] = await deps.db
    .select({ value: identities.value })
    .from(identities)
    .where(and(eq(identities.profileId, survivorId), eq(identities.type, 'email')))
    .orderBy(asc(identities.firstSeenAt))
    .limit(1);
  if (!email) return { skip: 'the profile has no email address' };
  return { profileId: survivorId, email: email.value };
}
