import { asc, desc, eq } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { consent, events, identities } from '../../db/schema/index.js';
import { averageOrderValue, cartValue, emptyMetrics, engagementAt } from '../../ingest/metrics.js';
import { loadMetrics } from '../../ingest/profile-state.js';
import { loadSettings } from '../settings.js';
import { mergedIdsOf, type ProfileRow, type ResolvedProfile } from './resolve.js';

export const DEFAULT_RECENT_EVENTS = 20;
export const MAX_RECENT_EVENTS = 100;
const DAY_MS = 86_400_000;

const iso = (d: Date | number | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The profile as the API shows it: winning traits, identities, metrics as of now, effective
 * consent, the latest events. Merges move every row to the survivor, so the survivor's id finds
 * the rows of the ids merged into it too.
 */
export async function profileView(deps: AppDeps, resolved: ResolvedProfile, recentEvents: number) {
  const { profile } = resolved;
  const [mergedIds, identityRows, consentRows, metrics, eventRows] = await Promise.all([
    mergedIdsOf(deps, profile.id),
    deps.db
      .select()
      .from(identities)
      .where(eq(identities.profileId, profile.id))
      .orderBy(asc(identities.type), asc(identities.firstSeenAt), asc(identities.key)),
    deps.db.select().from(consent).where(eq(consent.profileId, profile.id)),
    metricsView(deps, profile.id),
    recentEvents === 0
      ? Promise.resolve([])
      : deps.db
          .select()
          .from(events)
          .where(eq(events.profileId, profile.id))
          .orderBy(desc(events.occurredAt), desc(events.id))
          .limit(recentEvents),
  ]);
  return {
    id: profile.id,
    ...(resolved.requestedId ? { requestedId: resolved.requestedId } : {}),
    mergedIds,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
    traits: profile.traits,
    traitSources: traitSourcesView(profile),
    identities: identityRows.map(identityView),
    metrics,
    consent: effectiveConsent(consentRows),
    recentEvents: eventRows.map((row) => ({
      id: row.id,
      type: row.type,
      name: row.name,
      source: row.source,
      messageId: row.messageId,
      properties: row.properties,
      occurredAt: row.occurredAt.toISOString(),
      receivedAt: row.receivedAt.toISOString(),
    })),
  };
}
export type ProfileView = Awaited<ReturnType<typeof profileView>>;

function traitSourcesView(profile: ProfileRow) {
  return Object.fromEntries(
    Object.entries(profile.traitSources).map(([key, { source, at }]) => [
      key,
      { source, updatedAt: new Date(at).toISOString() },
    ]),
  );
}

export function identityView(row: typeof identities.$inferSelect) {
  return {
    type: row.type,
    value: row.value,
    rawValue: row.rawValue,
    valid: row.valid,
    source: row.source,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
  };
}

type ConsentRow = typeof consent.$inferSelect;
type ConsentChannel = ConsentRow['channel'];

/**
 * The effective consent per channel: the most recent statement among the person's rows (one per
 * origin profile and channel). A channel nobody stated is absent: unknown, which is not 'never'.
 */
export function effectiveConsent(rows: ConsentRow[]) {
  const latest = new Map<ConsentChannel, ConsentRow>();
  for (const row of rows) {
    const current = latest.get(row.channel);
    if (!current || row.updatedAt.getTime() > current.updatedAt.getTime()) latest.set(row.channel, row);
  }
  const out: Partial<
    Record<ConsentChannel, { status: ConsentRow['status']; source: string; updatedAt: string }>
  > = {};
  for (const [channel, row] of latest) {
    out[channel] = { status: row.status, source: row.source, updatedAt: row.updatedAt.toISOString() };
  }
  return out;
}

/** Stored metrics with the time-dependent ones (recency, decayed engagement) taken to now. */
export async function metricsView(deps: AppDeps, profileId: string) {
  const [settings, stored] = await Promise.all([loadSettings(deps), loadMetrics(deps, [profileId])]);
  const m = stored.get(profileId) ?? emptyMetrics();
  const now = deps.now().getTime();
  return {
    orderCount: m.orderCount,
    totalSpent: m.totalSpent,
    averageOrderValue: averageOrderValue(m),
    firstOrderAt: iso(m.firstOrderAt),
    lastOrderAt: iso(m.lastOrderAt),
    // Whole days elapsed; an order placed "in the future" (clock skew) counts as today.
    recencyDays: m.lastOrderAt === null ? null : Math.max(0, Math.floor((now - m.lastOrderAt) / DAY_MS)),
    engagementScore: engagementAt(m, now, settings.engagement),
    lastViewedProductId: m.lastViewedProductId,
    lastViewedCategory: m.lastViewedCategory,
    lastViewedAt: iso(m.lastViewedAt),
    cart: { items: m.cart, value: cartValue(m.cart), updatedAt: iso(m.cartUpdatedAt) },
    eventCount: m.eventCount,
    lastEventAt: iso(m.lastEventAt),
  };
}
