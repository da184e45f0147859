import type { AppDeps } from '../app-deps.js';
import { selectInChunks } from '../db/chunk.js';
import { placeholders, rawSelect } from '../db/raw-select.js';
import type { RecommendedItem } from '../db/schema/recommendations.js';
import { withUtm } from '../services/personalize/items.js';
import { loadSettings } from '../services/settings.js';

/** One recommended product as merge fields read it (`recs.1.title`, `recs.1.url`, …). */
export interface RecommendationField {
  id: string;
  title: string;
  url: string | null;
  image: string | null;
  price: number | null;
  currency: string | null;
}

/** Most recommendation slots a mapping may name (`recs.1` … `recs.20`). */
export const MAX_RECOMMENDATION_FIELDS = 20;

/**
 * For ESPs that cannot call the webhook at send time (Mailchimp, SendGrid Marketing Campaigns):
 * each profile's precomputed recommendations (the global list when it has none yet), products
 * that are active and in stock only, URLs with the webhook's UTM parameters (campaign `sync`).
 * The nightly precompute runs before the day's scheduled syncs, so the fields are fresh for sends.
 */
export async function recommendationFields(
  deps: AppDeps,
  profileIds: readonly string[],
  count: number,
): Promise<Map<string, RecommendationField[]>> {
  const { db, sqlParamLimit } = deps;
  const [rows, [global], settings] = await Promise.all([
    selectInChunks([...profileIds], sqlParamLimit, (chunk) =>
      rawSelect<{ profileId: string; items: string }>(
        db,
        `select profile_id as profileId, items_json as items from profile_recommendations where profile_id in (${placeholders(chunk.length)})`,
        chunk,
      ),
    ),
    rawSelect<{ items: string }>(
      db,
      "select items_json as items from recommendation_lists where key = 'global'",
      [],
    ),
    loadSettings(deps),
  ]);
  const globalItems = global ? (JSON.parse(global.items) as RecommendedItem[]) : [];
  const listOf = new Map(rows.map((row) => [row.profileId, JSON.parse(row.items) as RecommendedItem[]]));
  const wanted = new Set<string>();
  for (const id of profileIds) for (const item of listOf.get(id) ?? globalItems) wanted.add(item.productId);
  const products = await selectInChunks([...wanted], sqlParamLimit, (chunk) =>
    rawSelect<RecommendationField>(
      db,
      `select id, title, url, image_url as image, price, currency from products
       where id in (${placeholders(chunk.length)}) and active = 1 and in_stock = 1`,
      chunk,
    ),
  );
  const byId = new Map(products.map((product) => [product.id, product]));
  const utm = settings.recommendations.webhook.utm;
  const out = new Map<string, RecommendationField[]>();
  for (const id of profileIds) {
    const fields: RecommendationField[] = [];
    for (const item of listOf.get(id) ?? globalItems) {
      const product = byId.get(item.productId);
      if (!product) continue;
      fields.push({
        ...product,
        url: product.url === null ? null : withUtm(product.url, utm, 'sync', 'recs'),
      });
      if (fields.length === count) break;
    }
    out.set(id, fields);
  }
  return out;
}
