import type { AppDeps } from '../../app-deps.js';
import { chunked, padToBucket } from '../../db/chunk.js';
import type { Db } from '../../db/client.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';
import type { RecommendedItem } from '../../db/schema/recommendations.js';
import { errorFields } from '../../lib/logger.js';
import { getOrInsert } from '../../lib/maps.js';
import { MemoryCache } from '../../recommend/serving/memory-cache.js';
import { type ProductEntry, productJson } from './items.js';
import { type ProductSlot, ProductSlots } from './product-slots.js';

/** A segment that competes for primary in its group. */
export interface GroupedSegment {
  group: string;
  name: string;
  priority: number;
}

export interface ListEntry {
  /** Best first. */
  products: readonly ProductSlot[];
  /** Each product's score, in the same order (bought-together lists sum them per cart). */
  scores: readonly number[];
  support: number;
}

export interface ProductRow {
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
const WARM_PAGE = 2_000;
const PRODUCT_COLUMNS =
  'id, title, url, image_url as image, price, currency, category, in_stock as inStock, active';

/**
 * Products and shared lists for the send-time path, kept in memory for `ttlMs` per instance
 * (Node process or Workers isolate) and read in one statement per kind when missing. Products
 * not in the catalogue are remembered as missing too, so a stale list costs no query per send.
 */
export class ServingCache {
  /** Every product the sends of this database name, by id and by index (the serving index stores indexes). */
  readonly products = new ProductSlots(PRODUCT_CAPACITY);
  private readonly lists = new MemoryCache<ListEntry | null>(LIST_CAPACITY);
  private readonly segments = new MemoryCache<Map<string, GroupedSegment>>(1);

  /** Enabled segments that have a group, by id: memberships name them, primaries are picked from them. */
  async groupedSegments(deps: AppDeps, ttlMs: number): Promise<Map<string, GroupedSegment>> {
    const hit = this.segmentsInMemory();
    if (hit) return hit;
    const rows = await queryRows<{ id: string; name: string; groupName: string; priority: number }>(
      deps.db,
      'select id, name, group_name as groupName, priority from segments where group_name is not null and enabled = 1',
      [],
    );
    const segments = new Map(
      rows.map((row) => [row.id, { group: row.groupName, name: row.name, priority: row.priority }]),
    );
    this.segments.set('all', segments, Date.now() + ttlMs);
    return segments;
  }

  /** The grouped segments when memory holds them unexpired (no turn of the event loop). */
  segmentsInMemory(): Map<string, GroupedSegment> | undefined {
    return this.segments.get('all', Date.now());
  }

  /**
   * The shared lists under `keys` that exist, when memory holds every one of them unexpired
   * (including the knowledge that a key has none); undefined when any is to be read.
   */
  listsInMemory(keys: readonly string[]): Map<string, ListEntry> | undefined {
    const now = Date.now();
    const out = new Map<string, ListEntry>();
    for (const key of keys) {
      const hit = this.lists.get(key, now);
      if (hit === undefined) return undefined;
      if (hit !== null) out.set(key, hit);
    }
    return out;
  }

  /** The slot every list and profile shares for product `id` (product-slots.ts). */
  readonly productSlot = (id: string): ProductSlot => this.products.slot(id);

  /** The slot for a product a cart names (carts come from events: their ids are capped). */
  readonly cartSlot = (id: string): ProductSlot => this.products.cartSlot(id);

  /**
   * A product for an answer, from memory: the entry, null when the catalogue has none, undefined
   * when never read (the caller reads it). On Node an expired entry is served as last read while
   * one background statement re-reads every expired product asked for in the meantime, so once
   * the catalogue has been seen no send waits for a product read; a change shows within the TTL
   * plus that read. On Workers, where work after the answer may never run, and with a TTL of 0,
   * it is read inline.
   */
  productForAnswer(
    deps: AppDeps,
    slot: ProductSlot,
    now: number,
    ttlMs: number,
  ): ProductEntry | null | undefined {
    const fresh = slot.fresh(now);
    // A TTL of 0 asks for no memory at all: every send reads.
    if (fresh !== undefined || deps.runtime !== 'node' || ttlMs === 0) return fresh;
    const stale = slot.entry;
    if (stale !== undefined) this.refreshLater(deps, slot, ttlMs);
    return stale;
  }

  private readonly expired = new Set<ProductSlot>();
  private refreshing = false;

  private refreshLater(deps: AppDeps, slot: ProductSlot, ttlMs: number): void {
    this.expired.add(slot);
    if (this.refreshing) return;
    this.refreshing = true;
    setImmediate(() => {
      const slots = [...this.expired];
      this.expired.clear();
      this.readProducts(deps, slots, ttlMs)
        .catch((error: unknown) =>
          // Entries stay as last read; the next send that asks queues them again.
          deps.logger.warn('personalize: re-reading expired products failed', {
            products: slots.length,
            ...errorFields(error),
          }),
        )
        .finally(() => {
          this.refreshing = false;
        });
    });
  }

  /**
   * Reads products into memory (one statement per chunk), remembering the ids the catalogue lacks,
   * and returns what it read (a TTL of 0 keeps nothing, yet this request still has them).
   */
  async readProducts(
    deps: AppDeps,
    slots: Iterable<ProductSlot>,
    ttlMs: number,
  ): Promise<Map<ProductSlot, ProductEntry | null>> {
    const missing = [...new Set(slots)];
    const read = new Map<ProductSlot, ProductEntry | null>();
    if (missing.length === 0) return read;
    const now = Date.now();
    const found = new Map<string, ProductRow>();
    const ids = [...new Set(missing.map((slot) => slot.id))];
    for (const chunk of chunked(ids, deps.sqlParamLimit)) {
      const padded = padToBucket(chunk, deps.sqlParamLimit);
      const rows = await queryRows<ProductRow>(
        deps.db,
        `select ${PRODUCT_COLUMNS} from products where id in (${placeholders(padded.length)})`,
        padded,
      );
      for (const row of rows) found.set(row.id, row);
    }
    // One entry per id, also when private cart slots share it.
    const entries = new Map<string, ProductEntry>();
    for (const slot of missing) {
      const row = found.get(slot.id);
      const entry = row ? getOrInsert(entries, row.id, () => entryFor(row, slot.entry)) : null;
      slot.hold(entry, now + ttlMs);
      read.set(slot, entry);
    }
    return read;
  }

  /**
   * Reads the catalogue into memory ahead of the first sends (Node, at start), in pages between
   * which requests are answered: with the expired-entry refresh above, no send then waits for a
   * product read. Up to half the capacity; a larger catalogue warms as it is asked for.
   */
  async warmProducts(deps: AppDeps, ttlMs: number): Promise<number> {
    let after = '';
    let warmed = 0;
    while (warmed < PRODUCT_CAPACITY / 2) {
      const rows = await queryRows<ProductRow>(
        deps.db,
        `select ${PRODUCT_COLUMNS} from products where id > ? order by id limit ?`,
        [after, WARM_PAGE],
      );
      if (rows.length === 0) break;
      const expiresAt = Date.now() + ttlMs;
      for (const row of rows) {
        const slot = this.products.slot(row.id);
        slot.hold(entryFor(row, slot.entry), expiresAt);
      }
      warmed += rows.length;
      after = rows[rows.length - 1]!.id;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return warmed;
  }

  /** Reads of shared lists under way, by each key they read: sends that miss one meanwhile wait for it. */
  private readonly listReads = new Map<string, Promise<Map<string, ListEntry | null>>>();

  /**
   * The shared lists under `keys` that exist, from memory, else read (one statement for the
   * missing ones). A list already being read is not read again: on Node the sends of one burst run
   * together (src/http/poll-gate.ts), and when a list expires they would all miss it at once.
   */
  async listsByKey(deps: AppDeps, keys: readonly string[], ttlMs: number): Promise<Map<string, ListEntry>> {
    const now = Date.now();
    const out = new Map<string, ListEntry>();
    const reads = new Map<string, Promise<Map<string, ListEntry | null>>>();
    const toRead: string[] = [];
    for (const key of keys) {
      const hit = this.lists.get(key, now);
      if (hit !== undefined) {
        if (hit !== null) out.set(key, hit);
        continue;
      }
      if (reads.has(key) || toRead.includes(key)) continue;
      const underWay = this.listReads.get(key);
      if (underWay) reads.set(key, underWay);
      else toRead.push(key);
    }
    if (toRead.length > 0) {
      const read = this.selectLists(deps, toRead, ttlMs);
      const done = () => {
        for (const key of toRead) if (this.listReads.get(key) === read) this.listReads.delete(key);
      };
      read.then(done, done);
      for (const key of toRead) {
        this.listReads.set(key, read);
        reads.set(key, read);
      }
    }
    for (const [key, read] of reads) {
      const entry = (await read).get(key);
      if (entry) out.set(key, entry);
    }
    return out;
  }

  /** Reads lists (one statement per chunk) into memory, remembering the keys that have none. */
  private async selectLists(
    deps: AppDeps,
    keys: string[],
    ttlMs: number,
  ): Promise<Map<string, ListEntry | null>> {
    const now = Date.now();
    const found = new Map<string, ListEntry | null>();
    for (const chunk of chunked(keys, deps.sqlParamLimit)) {
      const padded = padToBucket(chunk, deps.sqlParamLimit);
      const rows = await queryRows<{ key: string; items: string; support: number }>(
        deps.db,
        `select key, items_json as items, support from recommendation_lists where key in (${placeholders(padded.length)})`,
        padded,
      );
      for (const row of rows) {
        const items = JSON.parse(row.items) as RecommendedItem[];
        found.set(row.key, {
          products: items.map((item) => this.products.slot(item.productId)),
          scores: items.map((item) => item.score),
          support: row.support,
        });
      }
    }
    for (const key of keys) {
      const entry = found.get(key) ?? null;
      found.set(key, entry);
      this.lists.set(key, entry, now + ttlMs);
    }
    return found;
  }

  /** A list as last read, however old: the fallback answer's content when the database fails. */
  staleList(key: string): ListEntry | undefined {
    return this.lists.stale(key) ?? undefined;
  }

  clear(): void {
    this.products.forget();
    this.lists.clear();
    this.segments.clear();
  }
}

/**
 * One object literal with every field named, not `{ ...shown, … }`: V8 gave each spread copy a map
 * of its own once prices mixed integers and fractions (20,000 maps for 50,000 products), so every
 * send's reads of `showable` and `json` missed their inline caches and went to the runtime (2–3 %
 * of the server's CPU in perf). test/unit/personalize/product-entry-shape.test.ts keeps it so.
 */
export function toEntry(row: ProductRow): ProductEntry {
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    image: row.image,
    price: row.price,
    currency: row.currency,
    category: row.category,
    showable: row.inStock === 1 && row.active === 1,
    // The row has the fields an item shows (and more, which productJson does not read).
    json: productJson(row),
  };
}

/**
 * The entry for `row`: the one held when the row still says the same, else a new one. Products are
 * re-read every `memoryTtlSeconds` while sends ask for them (the whole catalogue once a minute by
 * default); rebuilding unchanged entries made tens of megabytes of new long-lived objects each time
 * (entries, JSON pieces, their texts), which the old generation then had to collect, slowing
 * sends for seconds after each refresh (docs/benchmarks.md, Tenth session).
 */
export function entryFor(row: ProductRow, held: ProductEntry | null | undefined): ProductEntry {
  return held && sameProduct(held, row) ? held : toEntry(row);
}

function sameProduct(entry: ProductEntry, row: ProductRow): boolean {
  return (
    entry.id === row.id &&
    entry.title === row.title &&
    entry.url === row.url &&
    entry.image === row.image &&
    entry.price === row.price &&
    entry.currency === row.currency &&
    entry.category === row.category &&
    entry.showable === (row.inStock === 1 && row.active === 1)
  );
}

const caches = new WeakMap<Db, ServingCache>();

/** One cache per database (tests open many; an instance serves one). */
export function servingCacheFor(deps: Pick<AppDeps, 'db'>): ServingCache {
  let cache = caches.get(deps.db);
  if (!cache) {
    cache = new ServingCache();
    caches.set(deps.db, cache);
  }
  return cache;
}
