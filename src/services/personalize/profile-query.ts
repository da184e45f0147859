/**
 * The webhook's one read per recipient: the profile, its precomputed list, scores, metrics and
 * segment ids, all by primary key (memberships by their profile index). Shared by the inline
 * path and the reader thread (profile-reader-worker.ts), so both answer from the same SQL.
 */
export interface ProfileRow {
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

export const PROFILE_COLUMNS = `p.id as id, p.merged_into as mergedInto, p.deleted_at as deletedAt,
  coalesce(json_extract(p.traits_json, '$.first_name'), json_extract(p.traits_json, '$.firstName')) as firstName,
  coalesce(json_extract(p.traits_json, '$.last_name'), json_extract(p.traits_json, '$.lastName')) as lastName,
  r.items_json as items, r.level as level, r.confidence as confidence,
  s.rfm_group as rfmGroup, s.clv_tier as clvTier, s.cluster_id as clusterId, s.cluster_label as clusterLabel,
  m.average_order_value as aov, m.last_viewed_category as lastViewedCategory, m.cart_json as cart,
  json_array_length(m.cart_json) as cartItems,
  (select group_concat(segment_id, char(31)) from segment_memberships where profile_id = p.id) as segments`;
export const PROFILE_JOINS = `left join profile_recommendations r on r.profile_id = p.id
  left join profile_scores s on s.profile_id = p.id
  left join profile_metrics m on m.profile_id = p.id`;
export const PROFILE_BY_IDENTITY = `select ${PROFILE_COLUMNS} from identities i join profiles p on p.id = i.profile_id ${PROFILE_JOINS} where i.key = ?`;
export const PROFILE_BY_ID = `select ${PROFILE_COLUMNS} from profiles p ${PROFILE_JOINS} where p.id = ?`;

/** What to look up: an identity key, or (`byId`) a profile id. */
export interface ProfileLookup {
  byId: boolean;
  key: string;
}

/**
 * The row of the live profile a lookup names, or undefined (unknown, erased). Merges repoint older
 * merged ids at the survivor, so one hop reaches it. `query` runs one statement, sync or async.
 */
export async function readProfileRow(
  query: (sql: string, key: string) => ProfileRow | undefined | Promise<ProfileRow | undefined>,
  lookup: ProfileLookup,
): Promise<ProfileRow | undefined> {
  let row = await query(lookup.byId ? PROFILE_BY_ID : PROFILE_BY_IDENTITY, lookup.key);
  if (row?.mergedInto) row = await query(PROFILE_BY_ID, row.mergedInto);
  if (!row || row.deletedAt !== null || row.mergedInto !== null) return undefined;
  return row;
}
