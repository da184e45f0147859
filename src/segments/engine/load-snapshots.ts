import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect } from '../../db/raw-select.js';
import type { CartItem } from '../../db/schema/metrics.js';
import { type EngagementSettings, engagementAt } from '../../ingest/metrics.js';
import { isScoreName, loadScores } from '../../services/scores/read.js';
import type {
  ConsentChannel,
  ConsentStatus,
  ProfileSnapshot,
  RuleRequirements,
  SnapshotEvent,
  StoredMetricName,
} from '../rules/index.js';

type Metrics = Partial<Record<StoredMetricName, number | string | null>>;

interface MutableSnapshot {
  profileId: string;
  traits: Record<string, unknown>;
  metrics: Metrics;
  lastOrderAt: number | null;
  lastEventAt: number | null;
  events: SnapshotEvent[];
  cart: { items: CartItem[]; value: number; updatedAt: number | null };
  consent: Partial<Record<ConsentChannel, ConsentStatus>>;
  segments: Set<string>;
}

const NO_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Snapshots of live profiles for rule evaluation, reading only what `requirements` asks for: a
 * full recompute over a million profiles cannot afford to read every event, so events are
 * fetched by name and look-back window, and their properties are parsed only when a rule's
 * `where` reads them. Missing profiles (merged or erased) are left out.
 */
export async function loadSnapshots(
  deps: AppDeps,
  profileIds: readonly string[],
  requirements: RuleRequirements,
  now: number,
  engagement: EngagementSettings,
  options: {
    storedMemberships?: boolean;
    /** The live profiles' rows when the caller has just read them (a recompute's page). */
    liveRows?: ReadonlyArray<{ id: string; traits: string }>;
  } = {},
): Promise<ProfileSnapshot[]> {
  const { db, sqlParamLimit } = deps;
  const byId = new Map<string, MutableSnapshot>();
  const profileRows =
    options.liveRows ??
    (await selectInChunks([...profileIds], sqlParamLimit, (chunk) =>
      rawSelect<{ id: string; traits: string }>(
        db,
        `select id, traits_json as traits from profiles where id in (${placeholders(chunk.length)}) and merged_into is null and deleted_at is null`,
        chunk,
      ),
    ));
  for (const row of profileRows) {
    byId.set(row.id, {
      profileId: row.id,
      traits: requirements.traits.length > 0 ? (JSON.parse(row.traits) as Record<string, unknown>) : {},
      metrics: {},
      lastOrderAt: null,
      lastEventAt: null,
      events: [],
      cart: { items: [], value: 0, updatedAt: null },
      consent: {},
      segments: new Set(),
    });
  }
  const ids = [...byId.keys()];
  if (ids.length === 0) return [];

  await Promise.all([
    loadMetrics(deps, ids, byId, requirements, now, engagement),
    addScores(deps, ids, byId, requirements),
    loadEvents(deps, ids, byId, requirements, now),
    requirements.consent.length > 0 ? loadConsent(deps, ids, byId) : undefined,
    // Evaluating one rule on its own (preview, explain): `segment` nodes read stored memberships.
    options.storedMemberships && requirements.segments.length > 0
      ? loadMemberships(deps, ids, byId)
      : undefined,
  ]);
  return [...byId.values()];
}

const METRIC_COLUMNS = new Set<string>([
  'frequency',
  'monetary',
  'aov',
  'engagement',
  'cart_value',
  'last_viewed_category',
]);
async function loadMetrics(
  deps: AppDeps,
  ids: string[],
  byId: Map<string, MutableSnapshot>,
  requirements: RuleRequirements,
  now: number,
  engagement: EngagementSettings,
): Promise<void> {
  const needed =
    requirements.cart ||
    requirements.clocks.length > 0 ||
    requirements.metrics.some((name) => METRIC_COLUMNS.has(name));
  if (!needed) return;
  const rows = await selectInChunks(ids, deps.sqlParamLimit, (chunk) =>
    rawSelect<{
      profileId: string;
      orderCount: number;
      totalSpent: number;
      engagementScore: number;
      engagementAt: number | null;
      lastViewedCategory: string | null;
      cart: string;
      cartValue: number;
      cartUpdatedAt: number | null;
      lastOrderAt: number | null;
      lastEventAt: number | null;
    }>(
      deps.db,
      `select profile_id as profileId, order_count as orderCount, total_spent as totalSpent,
         engagement_score as engagementScore, engagement_at as engagementAt,
         last_viewed_category as lastViewedCategory, cart_json as cart, cart_value as cartValue,
         cart_updated_at as cartUpdatedAt, last_order_at as lastOrderAt, last_event_at as lastEventAt
       from profile_metrics where profile_id in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const seen = new Set<string>();
  for (const row of rows) {
    const snapshot = byId.get(row.profileId);
    if (!snapshot) continue;
    seen.add(row.profileId);
    snapshot.metrics.frequency = row.orderCount;
    snapshot.metrics.monetary = row.totalSpent;
    snapshot.metrics.aov = row.orderCount > 0 ? row.totalSpent / row.orderCount : null;
    snapshot.metrics.engagement = engagementAt(row, now, engagement);
    snapshot.metrics.cart_value = row.cartValue;
    snapshot.metrics.last_viewed_category = row.lastViewedCategory;
    snapshot.lastOrderAt = row.lastOrderAt;
    snapshot.lastEventAt = row.lastEventAt;
    if (requirements.cart) {
      snapshot.cart = {
        items: JSON.parse(row.cart) as CartItem[],
        value: row.cartValue,
        updatedAt: row.cartUpdatedAt,
      };
    }
  }
  // No metrics row: no event yet. Counts are zero rather than unknown.
  for (const [id, snapshot] of byId) {
    if (seen.has(id)) continue;
    snapshot.metrics.frequency = 0;
    snapshot.metrics.monetary = 0;
    snapshot.metrics.engagement = 0;
    snapshot.metrics.cart_value = 0;
  }
}

async function addScores(
  deps: AppDeps,
  ids: string[],
  byId: Map<string, MutableSnapshot>,
  requirements: RuleRequirements,
): Promise<void> {
  const wanted = requirements.metrics.filter(isScoreName);
  if (wanted.length === 0) return;
  for (const [profileId, scores] of await loadScores(deps, ids)) {
    const snapshot = byId.get(profileId);
    if (!snapshot) continue;
    for (const name of wanted) snapshot.metrics[name] = scores[name] ?? null;
  }
}

async function loadEvents(
  deps: AppDeps,
  ids: string[],
  byId: Map<string, MutableSnapshot>,
  requirements: RuleRequirements,
  now: number,
): Promise<void> {
  for (const requirement of requirements.events) {
    const since = requirement.lookbackMs === null ? Number.MIN_SAFE_INTEGER : now - requirement.lookbackMs;
    // Only the properties a `where` reads, extracted by SQLite: parsing every event's whole
    // properties document in JS was the largest cost of a full recompute.
    // A key with a double quote cannot be written as a JSON path: parse the document for those.
    const extract = !requirement.properties.some((property) => property.includes('"'));
    const columns = extract
      ? requirement.properties.map((property, i) => propertyColumns(property, i)).join('')
      : ', properties_json as document';
    const rows = await selectInChunks(ids, deps.sqlParamLimit - 2, (chunk) =>
      rawSelect<Record<string, unknown> & { profileId: string; at: number }>(
        deps.db,
        `select profile_id as profileId, occurred_at as at${columns}
         from events where profile_id in (${placeholders(chunk.length)}) and name = ? and occurred_at >= ?`,
        [...chunk, requirement.name, since],
      ),
    );
    for (const row of rows) {
      const snapshot = byId.get(row.profileId);
      if (!snapshot) continue;
      let properties: Record<string, unknown> = NO_PROPERTIES;
      if (!extract) {
        properties = JSON.parse(String(row.document)) as Record<string, unknown>;
      } else if (requirement.properties.length > 0) {
        properties = {};
        requirement.properties.forEach((property, i) => {
          const value = extractedValue(row[`p${i}`], row[`t${i}`]);
          if (value !== undefined) properties[property] = value;
        });
      }
      snapshot.events.push({ name: requirement.name, at: row.at, properties });
    }
  }
}

/**
 * `, json_extract(…) as p<i>, json_type(…) as t<i>` for one property the rules read. A name with
 * dots is looked up as that exact key first, then as a path (as the evaluator reads traits).
 */
function propertyColumns(property: string, i: number): string {
  const quoted = `'$."${property.replaceAll("'", "''")}"'`;
  const target = property.includes('.')
    ? `coalesce(json_extract(properties_json, ${quoted}), json_extract(properties_json, '$.${property.replaceAll("'", "''")}'))`
    : `json_extract(properties_json, ${quoted})`;
  const type = property.includes('.')
    ? `coalesce(json_type(properties_json, ${quoted}), json_type(properties_json, '$.${property.replaceAll("'", "''")}'))`
    : `json_type(properties_json, ${quoted})`;
  return `, ${target} as p${i}, ${type} as t${i}`;
}

/** SQLite gives objects and arrays back as JSON text, and true/false as 1/0. */
function extractedValue(value: unknown, type: unknown): unknown {
  if (type === null || type === undefined) return undefined;
  if (type === 'object' || type === 'array') return JSON.parse(String(value));
  if (type === 'true') return true;
  if (type === 'false') return false;
  if (type === 'null') return null;
  return value;
}

async function loadConsent(deps: AppDeps, ids: string[], byId: Map<string, MutableSnapshot>): Promise<void> {
  const rows = await selectInChunks(ids, deps.sqlParamLimit, (chunk) =>
    rawSelect<{ profileId: string; channel: ConsentChannel; status: ConsentStatus; updatedAt: number }>(
      deps.db,
      `select profile_id as profileId, channel, status, updated_at as updatedAt from consent
       where profile_id in (${placeholders(chunk.length)}) order by updated_at`,
      chunk,
    ),
  );
  // Ordered by time: the most recent statement per channel wins (rows of merged profiles included).
  for (const row of rows) {
    const snapshot = byId.get(row.profileId);
    if (snapshot) snapshot.consent[row.channel] = row.status;
  }
}

async function loadMemberships(
  deps: AppDeps,
  ids: string[],
  byId: Map<string, MutableSnapshot>,
): Promise<void> {
  const rows = await selectInChunks(ids, deps.sqlParamLimit, (chunk) =>
    rawSelect<{ profileId: string; segmentId: string }>(
      deps.db,
      `select profile_id as profileId, segment_id as segmentId from segment_memberships where profile_id in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  for (const row of rows) byId.get(row.profileId)?.segments.add(row.segmentId);
}
