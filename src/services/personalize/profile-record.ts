import type { AppDeps } from '../../app-deps.js';
import { rawSelect as queryRows } from '../../db/raw-select.js';
import type { CartItem } from '../../db/schema/metrics.js';
import type { RecommendedItem } from '../../db/schema/recommendations.js';
import { identityKey } from '../../identity/deterministic/types.js';
import { normalizeEmail, normalizePhone } from '../../identity/normalize.js';
import type { IdentitySettings } from '../../identity/settings.js';
import type { PersonalizeRequest } from './params.js';
import type { GroupedSegment } from './serving-cache.js';

/** What the webhook knows about the recipient: merge fields, its precomputed list, its cart. */
export interface ProfileRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  recommendations: {
    items: RecommendedItem[];
    level: 'personal' | 'segment' | 'global';
    confidence: number;
  } | null;
  rfmGroup: string | null;
  clvTier: string | null;
  clusterId: string | null;
  clusterLabel: string | null;
  averageOrderValue: number | null;
  lastViewedCategory: string | null;
  /** Product ids in the cart, in cart order (parsed only when a slot needs them). */
  cartProductIds(): string[];
  cartItems: number;
  /** The primary segment of each group the profile is in (highest priority; ties: older id), by group name. */
  primarySegments: Array<{ group: string; id: string; name: string }>;
}

interface Row {
  id: string;
  mergedInto: string | null;
  deletedAt: number | null;
  firstName: unknown;
  lastName: unknown;
  items: string | null;
  level: 'personal' | 'segment' | 'global' | null;
  confidence: number | null;
  rfmGroup: string | null;
  clvTier: string | null;
  clusterId: string | null;
  clusterLabel: string | null;
  aov: number | null;
  lastViewedCategory: string | null;
  cart: string | null;
  cartItems: number | null;
  segments: string | null;
}

// One statement per request: the profile, its precomputed list, scores, metrics and segment ids,
// all by primary key (memberships by their profile index); segments themselves come from memory.
const COLUMNS = `p.id as id, p.merged_into as mergedInto, p.deleted_at as deletedAt,
  coalesce(json_extract(p.traits_json, '$.first_name'), json_extract(p.traits_json, '$.firstName')) as firstName,
  coalesce(json_extract(p.traits_json, '$.last_name'), json_extract(p.traits_json, '$.lastName')) as lastName,
  r.items_json as items, r.level as level, r.confidence as confidence,
  s.rfm_group as rfmGroup, s.clv_tier as clvTier, s.cluster_id as clusterId, s.cluster_label as clusterLabel,
  m.average_order_value as aov, m.last_viewed_category as lastViewedCategory, m.cart_json as cart,
  json_array_length(m.cart_json) as cartItems,
  (select group_concat(segment_id, char(31)) from segment_memberships where profile_id = p.id) as segments`;
const JOINS = `left join profile_recommendations r on r.profile_id = p.id
  left join profile_scores s on s.profile_id = p.id
  left join profile_metrics m on m.profile_id = p.id`;
const BY_IDENTITY = `select ${COLUMNS} from identities i join profiles p on p.id = i.profile_id ${JOINS} where i.key = ?`;
const BY_ID = `select ${COLUMNS} from profiles p ${JOINS} where p.id = ?`;

/** The identity key an identifier parameter names, normalized as ingest normalizes it. */
export function identifierKey(
  identifier: PersonalizeRequest['identifier'],
  settings: IdentitySettings,
): string {
  switch (identifier.param) {
    case 'email':
      return identityKey('email', normalizeEmail(identifier.value, settings.email).value);
    case 'phone':
      return identityKey('phone', normalizePhone(identifier.value, settings.phone).value);
    case 'user_id':
      return identityKey('user_id', identifier.value);
    case 'external_id':
      // Without a source, the customer's own id: what Segment calls userId.
      return identifier.source === undefined
        ? identityKey('user_id', identifier.value)
        : identityKey(`external:${identifier.source.toLowerCase()}`, identifier.value);
    case 'profile_id':
      return identifier.value;
  }
}

/** The live profile an identifier names, or null (unknown, erased). Merged ids resolve to the survivor. */
export async function lookupProfileRecord(
  deps: AppDeps,
  identifier: PersonalizeRequest['identifier'],
  settings: IdentitySettings,
  segments: ReadonlyMap<string, GroupedSegment>,
): Promise<ProfileRecord | null> {
  const key = identifierKey(identifier, settings);
  let [row] = await queryRows<Row>(deps.db, identifier.param === 'profile_id' ? BY_ID : BY_IDENTITY, [key]);
  // Merges repoint older merged ids at the survivor, so one hop reaches it.
  if (row?.mergedInto) [row] = await queryRows<Row>(deps.db, BY_ID, [row.mergedInto]);
  if (!row || row.deletedAt !== null || row.mergedInto !== null) return null;
  return toRecord(row, segments);
}

function toRecord(row: Row, segments: ReadonlyMap<string, GroupedSegment>): ProfileRecord {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    id: row.id,
    firstName: text(row.firstName),
    lastName: text(row.lastName),
    recommendations:
      row.items === null || row.level === null
        ? null
        : {
            items: JSON.parse(row.items) as RecommendedItem[],
            level: row.level,
            confidence: row.confidence ?? 0,
          },
    rfmGroup: row.rfmGroup,
    clvTier: row.clvTier,
    clusterId: row.clusterId,
    clusterLabel: row.clusterLabel,
    averageOrderValue: row.aov,
    lastViewedCategory: row.lastViewedCategory,
    cartProductIds: () =>
      row.cart === null ? [] : (JSON.parse(row.cart) as CartItem[]).map((item) => item.productId),
    cartItems: row.cartItems ?? 0,
    primarySegments: row.segments === null ? [] : primaries(row.segments.split('\u001f'), segments),
  };
}

/** Of the profile's segments in each group, the highest priority (ties: the older id), groups by name. */
function primaries(ids: readonly string[], segments: ReadonlyMap<string, GroupedSegment>) {
  const best = new Map<string, { id: string; name: string; priority: number }>();
  for (const id of ids) {
    const segment = segments.get(id);
    if (!segment) continue;
    const current = best.get(segment.group);
    if (
      !current ||
      segment.priority > current.priority ||
      (segment.priority === current.priority && id < current.id)
    ) {
      best.set(segment.group, { id, name: segment.name, priority: segment.priority });
    }
  }
  return [...best]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, { id, name }]) => ({ group, id, name }));
}
