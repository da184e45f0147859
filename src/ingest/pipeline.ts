import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { atomic, type Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { consent, eventNames, events, orderLines, orders, profileTraits } from '../db/schema/index.js';
import { prepareBatch } from '../identity/deterministic/prepare.js';
import { planResolution } from '../identity/deterministic/resolver.js';
import type { ResolutionInput } from '../identity/deterministic/types.js';
import { normalizeIdentifiers } from '../identity/normalize.js';
import { isBlockedValue } from '../identity/settings.js';
import { newId } from '../lib/ids.js';
import { getOrInsert } from '../lib/maps.js';
import { profilesWithProductEvents } from '../recommend/serving/refresh.js';
import { queueRefreshWrites, scheduleRefreshDrain } from '../recommend/serving/refresh-queue.js';
import { refreshSegments } from '../segments/engine/refresh.js';
import { matchProfiles } from '../services/identity/probabilistic.js';
import { type CommerceEffect, commerceEffects } from './commerce-effects.js';
import { duplicateEventIndexes, storedOrders } from './dedupe.js';
import { loadGraphSnapshot } from './graph-snapshot.js';
import { applyEvent, emptyMetrics, type MetricEvent, type MetricsState } from './metrics.js';
import { hasNul } from './nul-text.js';
import { type PreparedPhones, preparePhones } from './prepare-phones.js';
import {
  loadMetrics,
  loadTraitStates,
  metricsWrites,
  type ProfileTraitsState,
  recomputeProfiles,
  traitWrites,
} from './profile-state.js';
import { resolutionWrites } from './resolution-writes.js';
import { serialized } from './serialize.js';
import { beats } from './trait-rules.js';
import type { IngestRecord, IngestResult } from './types.js';

/**
 * The one entry point for everything that arrives about people: resolves identities, stores
 * events, orders, traits and consent, and keeps metrics current, in one atomic batch. Results
 * come back in input order. Batches are serialized per database (see serialize.ts).
 */
export function ingest(deps: AppDeps, records: IngestRecord[]): Promise<IngestResult[]> {
  if (records.length === 0) return Promise.resolve([]);
  // Started before queueing: a caller with several batches in flight gets the next one's phones
  // parsed on another core while this one is written.
  const prepared = preparePhones(deps, records);
  return serialized(deps.db, async () => ingestNow(deps, records, await prepared));
}

async function ingestNow(
  deps: AppDeps,
  records: IngestRecord[],
  { settings, phones }: PreparedPhones,
): Promise<IngestResult[]> {
  const now = deps.now();
  const results: IngestResult[] = new Array(records.length);

  // SQLite drivers cut text at U+0000 (libSQL does on read), which would break dedupe and joins.
  const withNul = new Set<number>();
  records.forEach((record, index) => {
    if (!hasNul(record)) return;
    withNul.add(index);
    results[index] = { status: 'unresolved', reason: 'a message id or identifier contains U+0000' };
  });
  const duplicates = await duplicateEventIndexes(
    deps,
    withNul.size === 0
      ? records
      : records.map((record, index) => (withNul.has(index) ? { ...record, event: undefined } : record)),
  );
  const accepted: number[] = [];
  const inputs: ResolutionInput[] = [];
  records.forEach((record, index) => {
    if (withNul.has(index)) return;
    if (duplicates.has(index)) {
      results[index] = { status: 'duplicate', messageId: record.event!.messageId };
      return;
    }
    const identifiers = normalizeIdentifiers(record.identifiers, settings.identity, phones?.get(index));
    if (!identifiers.some((identifier) => !isBlockedValue(settings.identity, identifier.value))) {
      results[index] = {
        status: 'unresolved',
        reason: 'no usable identifier (all missing or blocked placeholder values)',
      };
      return;
    }
    accepted.push(index);
    inputs.push({
      identifiers,
      source: record.source,
      seenAt: record.observedAt,
      reference: record.event?.messageId ?? record.reference,
    });
  });
  if (accepted.length === 0) return results;

  const batch = prepareBatch(inputs, settings.identity);
  const snapshot = await loadGraphSnapshot(deps, batch.keys);
  const plan = planResolution(batch, snapshot, settings.identity, () => newId('prof'));
  const created = new Set(plan.newProfiles.map((profile) => profile.id));
  // Survivors of merges are rebuilt from their rows after the write; incremental updates skip them.
  const rebuild = new Set(plan.merges.map((merge) => merge.survivorId));

  const effectsByRecord = new Map<number, CommerceEffect[]>();
  const orderKeys: Array<{ source: string; externalOrderId: string }> = [];
  for (const index of accepted) {
    const event = records[index]!.event;
    if (event?.type !== 'track') continue;
    const effects = commerceEffects(event.name, event.properties);
    effectsByRecord.set(index, effects);
    for (const effect of effects) {
      if (effect.kind === 'order' || effect.kind === 'order_status') {
        orderKeys.push({ source: records[index]!.source, externalOrderId: effect.externalOrderId });
      }
    }
  }
  const knownOrders = await storedOrders(deps, orderKeys);

  const profileIds = [...new Set(plan.profileIds)];
  const storedProfileIds = profileIds.filter((id) => !created.has(id));
  const traitStates = await loadTraitStates(deps, storedProfileIds);
  const metricStates = await loadMetrics(deps, storedProfileIds);
  // Made on first use: most profiles of a bulk import have traits and no events.
  const traitStateOf = (id: string) =>
    getOrInsert(traitStates, id, (): ProfileTraitsState => ({ traits: {}, traitSources: {} }));
  const metricStateOf = (id: string) => getOrInsert(metricStates, id, emptyMetrics);

  // Statements that depend on the resolution plan only; the plan's own writes go first below.
  const writes: Statement[] = [];
  // Status changes run after the order inserts, so a refund in the same batch as its order lands.
  const statusWrites: Statement[] = [];
  const eventRows: Array<typeof events.$inferInsert> = [];
  const orderRows: Array<typeof orders.$inferInsert> = [];
  const lineRows: Array<typeof orderLines.$inferInsert> = [];
  const traitRows = new Map<string, typeof profileTraits.$inferInsert>();
  const consentRows = new Map<string, typeof consent.$inferInsert>();
  const touchedTraits = new Set<string>();
  const touchedMetrics = new Set<string>();
  const metricEvents: Array<{ profileId: string; event: MetricEvent }> = [];

  accepted.forEach((index, j) => {
    const record = records[index]!;
    const profileId = plan.profileIds[j]!;
    const at = record.observedAt.getTime();

    const traits = record.traits ?? {};
    for (const key of Object.keys(traits)) {
      const value = traits[key];
      if (value === undefined) continue;
      const rowKey = `${profileId}\u0000${key}\u0000${record.source}`;
      const previous = traitRows.get(rowKey);
      if (!previous || (previous.updatedAt as Date).getTime() <= at) {
        traitRows.set(rowKey, {
          profileId,
          originProfileId: profileId,
          key,
          source: record.source,
          value,
          updatedAt: record.observedAt,
        });
      }
      const state = traitStateOf(profileId);
      const current = state.traitSources[key];
      if (value === null) {
        // Clearing the winning source's value needs the other sources' values: rebuild.
        if (current?.source === record.source) rebuild.add(profileId);
      } else if (beats(settings.traits, key, { source: record.source, at }, current)) {
        state.traits[key] = value;
        state.traitSources[key] = { source: record.source, at };
        touchedTraits.add(profileId);
      }
    }

    for (const [channel, status] of Object.entries(record.consent ?? {})) {
      const rowKey = `${profileId}\u0000${channel}`;
      const previous = consentRows.get(rowKey);
      if (previous && (previous.updatedAt as Date).getTime() > at) continue;
      consentRows.set(rowKey, {
        originProfileId: profileId,
        profileId,
        channel: channel as (typeof consent.$inferInsert)['channel'],
        status: status!,
        source: record.source,
        updatedAt: record.observedAt,
      });
    }

    const event = record.event;
    if (!event) {
      results[index] = { status: 'stored', profileId, created: created.has(profileId) };
      return;
    }
    const eventId = newId('evt');
    eventRows.push({
      id: eventId,
      profileId,
      originProfileId: profileId,
      source: record.source,
      messageId: event.messageId,
      type: event.type,
      name: event.name ?? null,
      properties: event.properties,
      context: event.context ?? null,
      occurredAt: record.observedAt,
      receivedAt: now,
    });
    const effects = effectsByRecord.get(index) ?? [];
    const newOrders: MetricEvent['newOrders'] = [];
    for (const effect of effects) {
      const orderKey = `${record.source}\u0000${'externalOrderId' in effect ? effect.externalOrderId : ''}`;
      if (effect.kind === 'order' && !knownOrders.has(orderKey)) {
        knownOrders.set(orderKey, profileId);
        const orderId = newId('ord');
        orderRows.push({
          id: orderId,
          source: record.source,
          externalOrderId: effect.externalOrderId,
          profileId,
          originProfileId: profileId,
          status: 'completed',
          total: effect.total,
          currency: effect.currency,
          discount: effect.discount ?? null,
          orderedAt: record.observedAt,
          properties: event.properties,
        });
        effect.lines.forEach((line, lineNo) => {
          lineRows.push({ orderId, lineNo, ...line });
        });
        newOrders.push({ total: effect.total, at });
      } else if (effect.kind === 'order_status') {
        statusWrites.push(sqlOrderStatus(deps, record.source, effect.externalOrderId, effect.status));
        const owner = knownOrders.get(orderKey);
        if (owner) rebuild.add(owner);
      }
    }
    metricEvents.push({
      profileId,
      event: { type: event.type, name: event.name ?? null, occurredAt: at, effects, newOrders },
    });
    touchedMetrics.add(profileId);
    results[index] = { status: 'stored', profileId, eventId, created: created.has(profileId) };
  });

  metricEvents.sort((a, b) => a.event.occurredAt - b.event.occurredAt);
  for (const { profileId, event } of metricEvents)
    applyEvent(metricStateOf(profileId), event, settings.engagement);

  const { db, sqlParamLimit } = deps;
  const names = [...new Set(eventRows.flatMap((row) => (row.name ? [row.name] : [])))];
  writes.push(
    ...bulkInsert(events, eventRows, sqlParamLimit, 'on conflict do nothing'),
    ...bulkInsert(
      eventNames,
      names.map((name) => ({ name, firstSeenAt: now })),
      sqlParamLimit,
      'on conflict do nothing',
    ),
    ...bulkInsert(orders, orderRows, sqlParamLimit, 'on conflict do nothing'),
    ...bulkInsert(orderLines, lineRows, sqlParamLimit, 'on conflict do nothing'),
    ...statusWrites,
    // A value older than the one stored for the same source does not overwrite it.
    ...bulkInsert(
      profileTraits,
      [...traitRows.values()],
      sqlParamLimit,
      'on conflict (origin_profile_id, key, source) do update set value_json = excluded.value_json, ' +
        'updated_at = excluded.updated_at where excluded.updated_at >= profile_traits.updated_at',
    ),
    ...bulkInsert(
      consent,
      [...consentRows.values()],
      sqlParamLimit,
      'on conflict (origin_profile_id, channel) do update set status = excluded.status, source = excluded.source, ' +
        'updated_at = excluded.updated_at where excluded.updated_at >= consent.updated_at',
    ),
  );
  // New profiles are inserted with their traits; only stored ones need an update.
  const traitUpdates = new Map<string, ProfileTraitsState>();
  for (const id of touchedTraits) {
    if (!created.has(id) && !rebuild.has(id)) traitUpdates.set(id, traitStateOf(id));
  }
  // A profile with no event yet has no metrics row: readers treat a missing row as empty.
  const metricUpdates = new Map<string, MetricsState>();
  for (const id of touchedMetrics) if (!rebuild.has(id)) metricUpdates.set(id, metricStateOf(id));
  writes.push(...traitWrites(traitUpdates, now), ...metricsWrites(deps, metricUpdates, now));

  // Personal recommendations follow product views, cart adds and orders, rescored off this path.
  const rescore = profilesWithProductEvents(eventRows);
  writes.push(...queueRefreshWrites(deps, rescore));
  await atomic(db, [...resolutionWrites(deps, plan, now, 'resolver', traitStates), ...writes]);
  if (rebuild.size > 0) await recomputeProfiles(deps, [...rebuild], settings);
  // Records that shared no identifier may still be a known person: match new and changed profiles.
  const changed = [...new Set([...created, ...touchedTraits])];
  if (changed.length > 0 && settings.identity.probabilistic.enabled) await matchProfiles(deps, changed);
  // Segment memberships follow at once: the profiles this batch touched, and the ones merged away.
  await refreshSegments(deps, [...profileIds, ...plan.merges.map((merge) => merge.mergedId)]);
  if (rescore.length > 0) scheduleRefreshDrain(deps);
  return results;
}

function sqlOrderStatus(
  deps: AppDeps,
  source: string,
  externalOrderId: string,
  status: 'refunded' | 'cancelled',
) {
  return deps.db
    .update(orders)
    .set({ status })
    .where(and(eq(orders.source, source), eq(orders.externalOrderId, externalOrderId)));
}
