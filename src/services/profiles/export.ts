import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import {
  auditLog,
  consent,
  deletions,
  events,
  identities,
  identityConflicts,
  matchReviews,
  mergeBlocks,
  merges,
  orderLines,
  orders,
  profileMatchKeys,
  profiles,
  profileTraits,
  suppressions,
  syncFailures,
  syncFingerprints,
} from '../../db/schema/index.js';
import { errorFields } from '../../lib/logger.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { derivedSections } from './export-derived.js';
import { metricsView } from './read.js';
import { mergedIdsOf, type ProfileRow, type ResolvedProfile } from './resolve.js';

const EVENT_PAGE = 500;
const ORDER_PAGE = 200;

/**
 * Everything held on a person, as one JSON document streamed in pages: the small sections are
 * read before the response starts (so a failure there is a proper error response), orders and
 * events are read page by page while the body is written, so a profile with millions of events
 * never sits in memory. Every export is audited (who exported whom; no PII in the entry).
 */
export async function exportProfile(
  deps: AppDeps,
  actor: AuditActor,
  resolved: ResolvedProfile,
): Promise<ReadableStream<Uint8Array>> {
  const { profile } = resolved;
  const now = deps.now();
  await auditInsert(
    deps.db,
    actor,
    {
      action: 'profile.export',
      entityType: 'profile',
      entityId: profile.id,
      after: resolved.requestedId ? { requestedId: resolved.requestedId } : null,
    },
    now,
  );
  const mergedIds = await mergedIdsOf(deps, profile.id);
  const owners = [profile.id, ...mergedIds];
  const head = {
    exportedAt: now.toISOString(),
    ...(await exportSections(deps, profile, owners)),
    ...(await derivedSections(deps, owners)),
  };
  return jsonStream(deps, documentChunks(deps, head, owners));
}

/** The sections small enough to read at once; one key per table that holds data on the person. */
async function exportSections(deps: AppDeps, profile: ProfileRow, owners: string[]) {
  const { db, sqlParamLimit } = deps;
  const byOwner = <R>(query: (chunk: string[]) => Promise<R[]>) =>
    selectInChunks(owners, sqlParamLimit, query);
  // Two IN-lists in one statement: half the chunk each.
  const byOwnerPair = <R>(query: (chunk: string[]) => Promise<R[]>) =>
    selectInChunks(owners, Math.floor(sqlParamLimit / 2), query);
  const [
    mergedProfiles,
    traitValues,
    identityRows,
    consentRows,
    metrics,
    mergeRows,
    blockRows,
    conflictRows,
    reviewRows,
    deletionRows,
    matchKeyRows,
    syncStateRows,
    syncFailureRows,
    suppressionRows,
  ] = await Promise.all([
    byOwner((chunk) =>
      db
        .select()
        .from(profiles)
        .where(and(inArray(profiles.id, chunk), eq(profiles.mergedInto, profile.id))),
    ),
    byOwner((chunk) =>
      db
        .select()
        .from(profileTraits)
        .where(inArray(profileTraits.profileId, chunk))
        .orderBy(asc(profileTraits.key), asc(profileTraits.source)),
    ),
    byOwner((chunk) => db.select().from(identities).where(inArray(identities.profileId, chunk))),
    byOwner((chunk) => db.select().from(consent).where(inArray(consent.profileId, chunk))),
    metricsView(deps, profile.id),
    byOwnerPair((chunk) =>
      db
        .select()
        .from(merges)
        .where(or(inArray(merges.survivorId, chunk), inArray(merges.mergedId, chunk))),
    ),
    byOwnerPair((chunk) =>
      db
        .select()
        .from(mergeBlocks)
        .where(or(inArray(mergeBlocks.profileA, chunk), inArray(mergeBlocks.profileB, chunk))),
    ),
    byOwner((chunk) =>
      db
        .select()
        .from(identityConflicts)
        .where(
          sql`exists (select 1 from json_each(${identityConflicts.profileIds}) where json_each.value in ${chunk})`,
        ),
    ),
    byOwnerPair((chunk) =>
      db
        .select()
        .from(matchReviews)
        .where(or(inArray(matchReviews.profileA, chunk), inArray(matchReviews.profileB, chunk))),
    ),
    byOwner((chunk) => db.select().from(deletions).where(inArray(deletions.profileId, chunk))),
    byOwner((chunk) => db.select().from(profileMatchKeys).where(inArray(profileMatchKeys.profileId, chunk))),
    byOwner((chunk) => db.select().from(syncFingerprints).where(inArray(syncFingerprints.profileId, chunk))),
    byOwner((chunk) => db.select().from(syncFailures).where(inArray(syncFailures.profileId, chunk))),
    byOwner((chunk) => db.select().from(suppressions).where(inArray(suppressions.profileId, chunk))),
  ]);
  const auditRows = await auditOf(deps, {
    profile: owners,
    merge: mergeRows.map((row) => row.id),
    conflict: conflictRows.map((row) => row.id),
    review: reviewRows.map((row) => row.id),
  });
  return {
    profile: {
      id: profile.id,
      mergedIds: owners.slice(1),
      createdAt: profile.createdAt,
      updatedAt: profile.updatedAt,
      traits: profile.traits,
      traitSources: profile.traitSources,
    },
    // Merged rows keep the trait winners they had when merged: a stale copy, but held, so shown.
    mergedProfiles: mergedProfiles.map(({ deletedAt: _, ...row }) => row),
    traitValues,
    identities: identityRows.map(({ key: _, ...row }) => row),
    consent: consentRows,
    metrics,
    merges: uniqueById(mergeRows),
    mergeBlocks: dedupe(blockRows, (row) => `${row.profileA}|${row.profileB}`),
    identityConflicts: uniqueById(conflictRows),
    // A review pairs this person with someone who may be another person: its evidence is left out.
    matchReviews: uniqueById(reviewRows).map(({ evidence: _, ...row }) => row),
    // The sealed identifiers are the sync engine's, for deleting at destinations; never exported.
    deletions: deletionRows.map(({ identifiersSealed, ...row }) => ({
      ...row,
      identifiersHeld: identifiersSealed !== null,
    })),
    // Blocking keys the probabilistic matcher derived from the traits.
    matchKeys: matchKeyRows,
    // Which syncs last delivered the person, and when (a hash of what was sent, not the data).
    syncDeliveries: syncStateRows,
    syncFailures: syncFailureRows,
    // Unsubscribes learned from one ESP and pushed to the others, with the outcome per destination.
    suppressions: suppressionRows,
    audit: auditRows,
  };
}

/** Audit entries about the person's profiles and about the merges, conflicts, reviews naming them. */
async function auditOf(deps: AppDeps, entities: Record<string, string[]>) {
  const rows = [];
  for (const [entityType, ids] of Object.entries(entities)) {
    rows.push(
      ...(await selectInChunks(
        [...new Set(ids)],
        deps.sqlParamLimit,
        (chunk) =>
          deps.db
            .select()
            .from(auditLog)
            .where(and(eq(auditLog.entityType, entityType), inArray(auditLog.entityId, chunk))),
        1,
      )),
    );
  }
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

function dedupe<T>(rows: T[], key: (row: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) if (!seen.has(key(row))) seen.set(key(row), row);
  return [...seen.values()];
}
const uniqueById = <T extends { id: string }>(rows: T[]) => dedupe(rows, (row) => row.id);

/** The document in pieces: the head's sections, then orders (with lines) and events, paged. */
async function* documentChunks(
  deps: AppDeps,
  head: Record<string, unknown>,
  owners: string[],
): AsyncGenerator<string> {
  yield `{${Object.entries(head)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(',')}`;
  yield* arraySection('orders', orderPages(deps, owners));
  yield* arraySection('events', eventPages(deps, owners));
  yield '}';
}

async function* arraySection(name: string, pages: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  yield `,${JSON.stringify(name)}:[`;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield `${first ? '' : ','}${page.map((item) => JSON.stringify(item)).join(',')}`;
    first = false;
  }
  yield ']';
}

/** Events in time order, keyset-paged on (occurredAt, id) so each page is one indexed query. */
async function* eventPages(deps: AppDeps, owners: string[]): AsyncGenerator<unknown[]> {
  for (const owner of owners) {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const page = await deps.db
        .select()
        .from(events)
        .where(
          and(
            eq(events.profileId, owner),
            after
              ? or(
                  gt(events.occurredAt, after.at),
                  and(eq(events.occurredAt, after.at), gt(events.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(events.occurredAt), asc(events.id))
        .limit(EVENT_PAGE);
      yield page;
      const last = page.at(-1);
      if (!last || page.length < EVENT_PAGE) break;
      after = { at: last.occurredAt, id: last.id };
    }
  }
}

async function* orderPages(deps: AppDeps, owners: string[]): AsyncGenerator<unknown[]> {
  for (const owner of owners) {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const page = await deps.db
        .select()
        .from(orders)
        .where(
          and(
            eq(orders.profileId, owner),
            after
              ? or(
                  gt(orders.orderedAt, after.at),
                  and(eq(orders.orderedAt, after.at), gt(orders.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(orders.orderedAt), asc(orders.id))
        .limit(ORDER_PAGE);
      const lines = await selectInChunks(
        page.map((order) => order.id),
        deps.sqlParamLimit,
        (chunk) =>
          deps.db
            .select()
            .from(orderLines)
            .where(inArray(orderLines.orderId, chunk))
            .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo)),
      );
      const linesByOrder = new Map<string, Array<typeof orderLines.$inferSelect>>();
      for (const line of lines) {
        const list = linesByOrder.get(line.orderId) ?? [];
        list.push(line);
        linesByOrder.set(line.orderId, list);
      }
      yield page.map((order) => ({
        ...order,
        lines: (linesByOrder.get(order.id) ?? []).map(({ orderId: _, ...line }) => line),
      }));
      const last = page.at(-1);
      if (!last || page.length < ORDER_PAGE) break;
      after = { at: last.orderedAt, id: last.id };
    }
  }
}

/**
 * Pull-driven, so a slow reader slows the queries down instead of buffering pages. A failure after
 * the body has started cannot change the status: it is logged and the body ends early (the
 * truncated JSON does not parse, so it cannot pass for a complete export).
 */
function jsonStream(deps: AppDeps, chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        deps.logger.error('profile export failed while streaming', errorFields(error));
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
