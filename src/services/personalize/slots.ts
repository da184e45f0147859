import { supportConfidence } from '../../recommend/fallback.js';
import type { BuiltSlot, Level } from './answer.js';
import { fnv1a } from './hash.js';
import { type ProductLookup, pick, seededShuffle } from './items.js';
import type { PersonalizeRequest } from './params.js';
import type { ProductSlot } from './product-slots.js';
import type { ProfileRecord } from './profile-record.js';
import type { ListEntry } from './serving-cache.js';
import type { RecommendationSettings, SlotName } from './settings.js';

const HOUR_MS = 3_600_000;

/**
 * What makes an answer reproducible: the profile (or the identifier of an unknown one) and the
 * send, or the current hour when the ESP gives no send id, so every call of one send (HTML, text,
 * AMP, retries) gets the same items in the same order.
 */
export function answerSeed(request: PersonalizeRequest, profileId: string | null, now: number): number {
  const send = request.sendId ?? `hour:${Math.floor(now / HOUR_MS)}`;
  return fnv1a(`${profileId ?? `${request.identifier.param}:${request.identifier.value}`}|${send}`);
}

const NO_LIST: ListEntry = { products: [], scores: [], support: 0 };
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** The shared lists a profile's answer may draw on, in the order the fallback chain uses them. */
export function groupKeys(record: ProfileRecord | null): string[] {
  if (!record) return [];
  const keys = record.clusterId === null ? [] : [`cluster:${record.clusterId}`];
  for (const segment of record.primarySegments) keys.push(`segment:${segment.id}`);
  return keys;
}

/**
 * The slots in the order asked, each from its sources best first, filtered at request time (in
 * the catalogue, active, in stock) and never repeating what an earlier slot showed. Products not
 * read yet go to `unread` (buildAnswer reads them and fills the slots again).
 */
export function fillSlots(
  request: PersonalizeRequest,
  record: ProfileRecord | null,
  lists: ReadonlyMap<string, ListEntry>,
  cart: readonly ProductSlot[],
  settings: RecommendationSettings,
  now: number,
  lookup: ProductLookup,
  unread: Set<ProductSlot>,
): BuiltSlot[] {
  const global = lists.get('global') ?? NO_LIST;
  const half = settings.fallback.halfSupport;
  const minConfidence = settings.webhook.minConfidence;
  const globalConfidence = round4(supportConfidence(global.support, half.global));
  let group: ListEntry | undefined;
  for (const key of groupKeys(record)) {
    const list = lists.get(key);
    if (list && list.products.length > 0) {
      group = list;
      break;
    }
  }
  // The personal level as precomputed, unless too weak to show; else the chain's next level.
  const stored = record?.recommendations;
  let level: Level;
  let confidence: number;
  let first: readonly ProductSlot[];
  if (stored && stored.items.length > 0 && stored.confidence >= minConfidence) {
    [level, confidence, first] = [stored.level, round4(stored.confidence), stored.items];
  } else if (group && supportConfidence(group.support, half.segment) >= minConfidence) {
    [level, confidence, first] = [
      'segment',
      round4(supportConfidence(group.support, half.segment)),
      group.products,
    ];
  } else {
    [level, confidence, first] = ['global', globalConfidence, global.products];
  }
  // Topped up from the next levels when request-time filters (stock) leave too few.
  const recsSources = [first, group?.products ?? [], global.products];
  const n = request.n;
  // What earlier slots showed: a handful, so a scan by identity beats hashing ids.
  const shown: ProductSlot[] = [];
  const recs = (slot: SlotName, count: number): BuiltSlot => ({
    slot,
    products: pick(recsSources, count, lookup, shown, unread),
    fallback: level !== 'personal',
    level,
    confidence,
  });
  const out: BuiltSlot[] = [];
  for (const slot of request.slots) {
    switch (slot) {
      case 'recs':
        out.push(recs('recs', n));
        break;
      case 'hero':
        out.push(recs('hero', 1));
        break;
      case 'popular': {
        // A seeded draw from the head of the global list: recipients differ, one recipient's calls agree.
        const taken: ProductSlot[] = [];
        const pool = pick([global.products], n * 3, lookup, [...shown], unread, taken);
        const order = seededShuffle(
          pool.map((_, i) => i),
          answerSeed(request, record?.id ?? null, now),
        ).slice(0, n);
        for (const i of order) shown.push(taken[i]!);
        const drawn = order.map((i) => pool[i]!);
        out.push({ slot, products: drawn, fallback: false, level: 'global', confidence: globalConfidence });
        break;
      }
      case 'trending': {
        const trending = lists.get('trending') ?? NO_LIST;
        const products = pick([trending.products], n, lookup, shown, unread);
        const trust = round4(supportConfidence(trending.support, half.global));
        out.push({ slot, products, fallback: false, level: 'global', confidence: trust });
        break;
      }
      case 'cart_recovery': {
        const inCart = pick([cart], n, lookup, shown, unread);
        if (inCart.length === 0) {
          out.push({ ...recs('cart_recovery', n), fallback: true });
          break;
        }
        // The cart itself, then what is bought with it.
        const complements = pick([togetherFor(cart, lists)], n - inCart.length, lookup, shown, unread);
        out.push({
          slot,
          products: [...inCart, ...complements],
          fallback: false,
          level: 'personal',
          confidence: 1,
        });
        break;
      }
    }
  }
  return out;
}

/** Products bought with the cart's products, scores summed, best first (ties by product id). */
function togetherFor(cart: readonly ProductSlot[], lists: ReadonlyMap<string, ListEntry>): ProductSlot[] {
  const totals = new Map<string, { product: ProductSlot; score: number }>();
  for (const { id } of cart) {
    const list = lists.get(`together:${id}`);
    if (!list) continue;
    list.products.forEach((product, i) => {
      const total = totals.get(product.id);
      const score = list.scores[i]!;
      if (total) total.score += score;
      else totals.set(product.id, { product, score });
    });
  }
  return [...totals.values()]
    .sort(
      (a, b) => b.score - a.score || (a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0),
    )
    .map(({ product }) => product);
}
