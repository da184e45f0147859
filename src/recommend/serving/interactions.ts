import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';

/**
 * What the recommenders learn from, read from the database: purchases from completed orders (one
 * interaction per order line, the order being the basket), cart adds and product views from
 * events. Product ids in events are read the way ingest reads them (`product_id`, else `sku`,
 * else `id`; see src/ingest/commerce-effects.ts).
 */
export type InteractionType = 'purchase' | 'cart_add' | 'view';

export interface InteractionRow {
  productId: string;
  type: InteractionType;
  at: number;
  /** The order, for purchases: "bought together" counts within one order. */
  basketId?: string;
}

/** Segment e-commerce event names and what they mean here (orders come from the orders table). */
export const INTERACTION_EVENTS: Readonly<Record<string, InteractionType>> = {
  'Product Viewed': 'view',
  'Product Clicked': 'view',
  'Product Added': 'cart_add',
};

/** The events whose arrival can change a profile's personal list (orders included). */
export const RECOMMENDATION_EVENT_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(INTERACTION_EVENTS),
  'Order Completed',
]);

const EVENT_NAMES = Object.keys(INTERACTION_EVENTS);
const PRODUCT_ID = `coalesce(json_extract(properties_json, '$.product_id'), json_extract(properties_json, '$.sku'), json_extract(properties_json, '$.id'))`;

/** A page of profiles: a key range (full runs page by id) or a list of ids (incremental refresh). */
export type ProfileScope = { from: string; to: string } | { ids: readonly string[] };

interface EventRow {
  profileId: string;
  name: string;
  at: number;
  productId: string | number | null;
}
interface LineRow {
  profileId: string;
  orderId: string;
  at: number;
  productId: string;
}

/** Interactions since `since` (epoch ms) per profile id, oldest first. */
export async function loadInteractions(
  deps: AppDeps,
  scope: ProfileScope,
  since: number,
): Promise<Map<string, InteractionRow[]>> {
  const [events, lines] = await Promise.all([loadEvents(deps, scope, since), loadLines(deps, scope, since)]);
  const out = new Map<string, InteractionRow[]>();
  const add = (profileId: string, row: InteractionRow) => {
    const list = out.get(profileId);
    if (list) list.push(row);
    else out.set(profileId, [row]);
  };
  for (const row of events) {
    const type = INTERACTION_EVENTS[row.name];
    // json_extract gives numbers for numeric ids; ingest keeps them as text.
    const productId = row.productId === null ? '' : String(row.productId);
    if (type && productId !== '') add(row.profileId, { productId, type, at: row.at });
  }
  for (const row of lines) {
    add(row.profileId, { productId: row.productId, type: 'purchase', at: row.at, basketId: row.orderId });
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

function loadEvents(deps: AppDeps, scope: ProfileScope, since: number): Promise<EventRow[]> {
  const select = `select profile_id as profileId, name, occurred_at as at, ${PRODUCT_ID} as productId from events`;
  const names = `name in (${placeholders(EVENT_NAMES.length)}) and occurred_at >= ?`;
  if ('from' in scope) {
    return queryRows<EventRow>(deps.db, `${select} where profile_id between ? and ? and ${names}`, [
      scope.from,
      scope.to,
      ...EVENT_NAMES,
      since,
    ]);
  }
  const reserved = EVENT_NAMES.length + 1;
  return selectInChunks(
    [...scope.ids],
    deps.sqlParamLimit,
    (chunk) =>
      queryRows<EventRow>(
        deps.db,
        `${select} where profile_id in (${placeholders(chunk.length)}) and ${names}`,
        [...chunk, ...EVENT_NAMES, since],
      ),
    reserved,
  );
}

function loadLines(deps: AppDeps, scope: ProfileScope, since: number): Promise<LineRow[]> {
  const select = `select o.profile_id as profileId, o.id as orderId, o.ordered_at as at, l.product_id as productId
    from orders o join order_lines l on l.order_id = o.id`;
  const filter = `o.status = 'completed' and o.ordered_at >= ? and l.product_id is not null`;
  if ('from' in scope) {
    return queryRows<LineRow>(deps.db, `${select} where o.profile_id between ? and ? and ${filter}`, [
      scope.from,
      scope.to,
      since,
    ]);
  }
  return selectInChunks(
    [...scope.ids],
    deps.sqlParamLimit,
    (chunk) =>
      queryRows<LineRow>(
        deps.db,
        `${select} where o.profile_id in (${placeholders(chunk.length)}) and ${filter}`,
        [...chunk, since],
      ),
    1,
  );
}
