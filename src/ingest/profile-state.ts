import { and, asc, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '../app-deps.js';
import { atomic, type Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { chunked, selectInChunks } from '../db/chunk.js';
import { events, orders, profileMetrics, profiles, profileTraits } from '../db/schema/index.js';
import { commerceEffects } from './commerce-effects.js';
import {
  applyEvent,
  applyOrders,
  averageOrderValue,
  cartValue,
  type EngagementSettings,
  emptyMetrics,
  type MetricsState,
} from './metrics.js';
import { chooseWinners, type TraitSettings } from './trait-rules.js';

export interface ProfileTraitsState {
  traits: Record<string, unknown>;
  traitSources: Record<string, { source: string; at: number }>;
}

export async function loadTraitStates(
  deps: AppDeps,
  ids: string[],
): Promise<Map<string, ProfileTraitsState>> {
  const rows = await selectInChunks(ids, deps.sqlParamLimit, (chunk) =>
    deps.db
      .select({ id: profiles.id, traits: profiles.traits, traitSources: profiles.traitSources })
      .from(profiles)
      .where(inArray(profiles.id, chunk)),
  );
  return new Map(
    rows.map((row) => [row.id, { traits: { ...row.traits }, traitSources: { ...row.traitSources } }]),
  );
}

const time = (d: Date | null) => (d ? d.getTime() : null);
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function loadMetrics(deps: AppDeps, ids: string[]): Promise<Map<string, MetricsState>> {
  const rows = await selectInChunks(ids, deps.sqlParamLimit, (chunk) =>
    deps.db.select().from(profileMetrics).where(inArray(profileMetrics.profileId, chunk)),
  );
  return new Map(
    rows.map((row) => [
      row.profileId,
      {
        orderCount: row.orderCount,
        totalSpent: row.totalSpent,
        firstOrderAt: time(row.firstOrderAt),
        lastOrderAt: time(row.lastOrderAt),
        engagementScore: row.engagementScore,
        engagementAt: time(row.engagementAt),
        lastViewedProductId: row.lastViewedProductId,
        lastViewedCategory: row.lastViewedCategory,
        lastViewedAt: time(row.lastViewedAt),
        cart: row.cart,
        cartUpdatedAt: time(row.cartUpdatedAt),
        eventCount: row.eventCount,
        lastEventAt: time(row.lastEventAt),
      },
    ]),
  );
}

function metricsRow(profileId: string, m: MetricsState, now: Date) {
  return {
    profileId,
    orderCount: m.orderCount,
    totalSpent: m.totalSpent,
    averageOrderValue: averageOrderValue(m),
    firstOrderAt: date(m.firstOrderAt),
    lastOrderAt: date(m.lastOrderAt),
    engagementScore: m.engagementScore,
    engagementAt: date(m.engagementAt),
    lastViewedProductId: m.lastViewedProductId,
    lastViewedCategory: m.lastViewedCategory,
    lastViewedAt: date(m.lastViewedAt),
    cart: m.cart,
    cartValue: cartValue(m.cart),
    cartUpdatedAt: date(m.cartUpdatedAt),
    eventCount: m.eventCount,
    lastEventAt: date(m.lastEventAt),
    updatedAt: now,
  };
}

const METRIC_UPSERT =
  'on conflict (profile_id) do update set ' +
  [
    'order_count',
    'total_spent',
    'average_order_value',
    'first_order_at',
    'last_order_at',
    'engagement_score',
    'engagement_at',
    'last_viewed_product_id',
    'last_viewed_category',
    'last_viewed_at',
    'cart_json',
    'cart_value',
    'cart_updated_at',
    'event_count',
    'last_event_at',
    'updated_at',
  ]
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');

/** Upserts whole metrics rows (the caller computed them from the previous row). */
export function metricsWrites(deps: AppDeps, states: Map<string, MetricsState>, now: Date): Statement[] {
  const rows = [...states].map(([id, m]) => metricsRow(id, m, now));
  return bulkInsert(profileMetrics, rows, deps.sqlParamLimit, METRIC_UPSERT);
}

export function traitWrites(states: Map<string, ProfileTraitsState>, now: Date): Statement[] {
  // One fixed statement text per profile update: the driver compiles it once per batch.
  return [...states].map(([id, state]) => ({
    kind: 'raw' as const,
    sql: 'update profiles set traits_json = ?, trait_sources_json = ?, updated_at = ? where id = ?',
    args: [JSON.stringify(state.traits), JSON.stringify(state.traitSources), now.getTime(), id],
  }));
}

/**
 * Rebuilds profiles' winning traits and metrics from their stored rows. Used after merges,
 * unmerges, refunds and cleared traits, where an incremental update cannot be right. Works in
 * chunks (a query per table per chunk, one write per chunk) because a batch can carry thousands.
 */
export async function recomputeProfiles(
  deps: AppDeps,
  ids: string[],
  settings: { traits: TraitSettings; engagement: EngagementSettings },
): Promise<void> {
  const { db, sqlParamLimit } = deps;
  const now = deps.now();
  for (const chunk of chunked([...new Set(ids)], Math.min(sqlParamLimit, 500))) {
    // An erased person's tombstone keeps no traits or metrics, whatever happens to its orders.
    const live = (
      await db
        .select({ id: profiles.id })
        .from(profiles)
        .where(and(inArray(profiles.id, chunk), isNull(profiles.deletedAt)))
    ).map((row) => row.id);
    if (live.length === 0) continue;
    const traitRows = await db.select().from(profileTraits).where(inArray(profileTraits.profileId, live));
    const eventRows = await db
      .select({
        profileId: events.profileId,
        type: events.type,
        name: events.name,
        properties: events.properties,
        occurredAt: events.occurredAt,
      })
      .from(events)
      .where(inArray(events.profileId, live))
      .orderBy(asc(events.occurredAt));
    const orderRows = await db
      .select({
        profileId: orders.profileId,
        total: orders.total,
        orderedAt: orders.orderedAt,
        status: orders.status,
      })
      .from(orders)
      .where(inArray(orders.profileId, live));

    const traitsByProfile = groupBy(traitRows, (row) => row.profileId);
    const ordersByProfile = groupBy(orderRows, (row) => row.profileId);
    const traitStates = new Map<string, ProfileTraitsState>();
    const metricStates = new Map<string, MetricsState>();
    for (const id of live) {
      const winners = chooseWinners(
        settings.traits,
        (traitsByProfile.get(id) ?? []).map((row) => ({
          key: row.key,
          source: row.source,
          at: row.updatedAt.getTime(),
          value: row.value,
        })),
      );
      traitStates.set(id, { traits: winners.traits, traitSources: winners.sources });
      metricStates.set(id, emptyMetrics());
    }
    for (const event of eventRows) {
      applyEvent(
        metricStates.get(event.profileId)!,
        {
          type: event.type,
          name: event.name,
          occurredAt: event.occurredAt.getTime(),
          effects: commerceEffects(event.name, event.properties),
          newOrders: [],
        },
        settings.engagement,
      );
    }
    for (const id of live) {
      applyOrders(
        metricStates.get(id)!,
        (ordersByProfile.get(id) ?? []).map((row) => ({
          total: row.total,
          at: row.orderedAt.getTime(),
          status: row.status,
        })),
      );
    }
    await atomic(db, [...traitWrites(traitStates, now), ...metricsWrites(deps, metricStates, now)]);
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
