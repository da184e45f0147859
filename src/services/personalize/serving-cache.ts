import type { AppDeps } from '../../app-deps.js';
import { chunked, padToBucket } from '../../db/chunk.js';
import type { Db } from '../../db/client.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';
import type { RecommendedItem } from '../../db/schema/recommendations.js';
import { MemoryCache } from '../../recommend/serving/memory-cache.js';
import { type ProductEntry, productJson } from './items.js';

/** A segment that competes for primary in its group. */
export interface GroupedSegment {
  group: string;
  name: string;
  priority: number;
}

export interface ListEntry {
  items: RecommendedItem[];
  support: number;
}

interface ProductRow {
  id: string;
  title: string;
  url: string | null;
  image: string | null;
  price: number | null;
  currency: string | null;
  category: string | null;
  inStock: number;
  active: number;
}

/** Enough for a 50,000-product catalogue and its lists with room to spare; oldest go first. */
const PRODUCT_CAPACITY = 200_000;
const LIST_CAPACITY = 100_000;

/**
 * Products and shared lists for the send-time path, kept in memory for `ttlMs` per instance
 * (Node process or Workers isolate) and read in one statement per kind when missing. Products
 * not in the catalogue are remembered as missing too, so a stale list costs no query per send.
 */
export class ServingCache {
  private readonly products = new MemoryCache<ProductEntry | null>(PRODUCT_CAPACITY);
  private readonly lists = new MemoryCache<ListEntry | null>(LIST_CAPACITY);
  private readonly segments = new MemoryCache<Map<string, GroupedSegment>>(1);

  /** Enabled segments that have a group, by id: memberships name them, primaries are picked from them. */
  async groupedSegments(deps: AppDeps, ttlMs: number): Promise<Map<string, GroupedSegment>> {
    const now = Date.now();
    const hit = this.segments.get('all', now);
    if (hit) return hit;
    const rows = await queryRows<{ id: string; name: string; groupName: string; priority: number }>(
      deps.db,
      'select id, name, group_name as groupName, priority from segments where group_name is not null and enabled = 1',
      [],
    );
    const segments = new Map(
      rows.map((row) => [row.id, { group: row.groupName, name: row.name, priority: row.priority }]),
    );
    this.segments.set('all', segments, now + ttlMs);
    return segments;
  }

  /** A product from memory: the entry, null when the catalogue has none, undefined when not read (or expired). */
  peekProduct(id: string, now: number): ProductEntry | null | undefined {
    return this.products.get(id, now);
  }

  /**
   * Reads products into memory (one statement per chunk), remembering the ids the catalogue lacks,
   * and returns what it read (a TTL of 0 keeps nothing, yet this request still has them).
   */
  async readProducts(
    deps: AppDeps,
    ids: Iterable<string>,
    ttlMs: number,
  ): Promise<Map<string, ProductEntry | null>> {
    const missing = [...new Set(ids)];
    const read = new Map<string, ProductEntry | null>();
    if (missing.length === 0) return read;
    const now = Date.now();
    const found = new Map<string, ProductEntry>();
    for (const chunk of chunked(missing, deps.sqlParamLimit)) {
      const padded = padToBucket(chunk, deps.sqlParamLimit);
      const rows = await queryRows<ProductRow>(
        deps.db,
        `select id, title, url, image_url as image, price, currency, category, in_stock as inStock, active
         from products where id in (${placeholders(padded.length)})`,
        padded,
      );
      for (const row of rows) found.set(row.id, toEntry(row));
    }
    for (const id of missing) {
      const entry = found.get(id) ?? null;
      this.products.set(id, entry, now + ttlMs);
      read.set(id, entry);
    }
    return read;
  }

  async listsByKey(deps: AppDeps, keys: readonly string[], ttlMs: number): Promise<Map<string, ListEntry>> {
    const now = Date.now();
    const out = new Map<string, ListEntry>();
    const missing: string[] = [];
    for (const key of keys) {
      const hit = this.lists.get(key, now);
      if (hit === undefined) missing.push(key);
      else if (hit !== null) out.set(key, hit);
    }
    if (missing.length === 0) return out;
    const found = new Map<string, ListEntry>();
    for (const chunk of chunked([...new Set(missing)], deps.sqlParamLimit)) {
      const padded = padToBucket(chunk, deps.sqlParamLimit);
      const rows = await queryRows<{ key: string; items: string; support: number }>(
        deps.db,
        `select key, items_json as items, support from recommendation_lists where key in (${placeholders(padded.length)})`,
        padded,
      );
      for (const row of rows)
        found.set(row.key, { items: JSON.parse(row.items) as RecommendedItem[], support: row.support });
    }
    for (const key of missing) {
      const entry = found.get(key) ?? null;
      this.lists.set(key, entry, now + ttlMs);
      if (entry) out.set(key, entry);
    }
    return out;
  }

  /** A list as last read, however old: the fallback answer's content when the database fails. */
  staleList(key: string): ListEntry | undefined {
    return this.lists.stale(key) ?? undefined;
  }

  staleProduct(id: string): ProductEntry | undefined {
    return this.products.stale(id) ?? undefined;
  }

  clear(): void {
    this.products.clear();
    this.lists.clear();
    this.segments.clear();
  }
}

function toEntry(row: ProductRow): ProductEntry {
  const shown = {
    id: row.id,
    title: row.title,
    url: row.url,
    image: row.image,
    price: row.price,
    currency: row.currency,
  };
  return {
    ...shown,
    category: row.category,
    showable: row.inStock === 1 && row.active === 1,
    json: productJson(shown),
  };
}

const caches = new WeakMap<Db, ServingCache>();

/** One cache per database (tests open many; an instance serves one). */
export function servingCacheFor(deps: AppDeps): ServingCache {
  let cache = caches.get(deps.db);
  if (!cache) {
    cache = new ServingCache();
    caches.set(deps.db, cache);
  }
  return cache;
}
