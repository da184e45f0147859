import { ByteChunks, encodedIn } from '../../lib/byte-chunks.js';
import { seededRandom } from '../../lib/random.js';
import { fnv1a } from './hash.js';
import { isShown, type ProductSlot } from './product-slots.js';
import type { SlotName, WebhookSettings } from './settings.js';

/** A product as an email shows it, with its JSON pieces made once when it is read. */
export interface ProductEntry {
  id: string;
  title: string;
  url: string | null;
  image: string | null;
  price: number | null;
  currency: string | null;
  category: string | null;
  /** Active and in stock: may be shown now. */
  showable: boolean;
  json: ProductJson;
}

/**
 * An item's JSON in pieces escaped and encoded as UTF-8 once here, so an answer is assembled by
 * copying bytes (see serialize.ts): `prefix` + the slot's UTM query + `suffix` when `takesUtm`,
 * else `prefix` alone (no URL). A URL that already carries utm_ parameters takes the slow path
 * instead: `head` + the URL through withUtm (which keeps them) + `tail`.
 */
export interface ProductJson {
  /** Up to the URL's query separator (`?` or `&`), or the whole item when it has no URL. */
  prefix: Uint8Array;
  /** The URL's fragment (`#…`) and the rest of the item; empty when there is no URL. */
  suffix: Uint8Array;
  /** The URL takes the slot's UTM query between prefix and suffix. */
  takesUtm: boolean;
  /** The URL already carries utm_ parameters. */
  hasUtm: boolean;
  head: string;
  tail: string;
  /** A hash of the pieces: the answer's ETag combines these instead of hashing the whole body. */
  hash: number;
}

/** One item as the ESP template sees it. */
export interface SlotItem {
  id: string;
  title: string;
  /** The product URL with UTM parameters (null when the catalogue has no URL). */
  url: string | null;
  image: string | null;
  price: number | null;
  currency: string | null;
}

const inner = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * Where products' byte pieces live: views of shared chunks, not a buffer each (tens of thousands
 * of small buffers would each carry an allocation the garbage collector tracks). A chunk goes
 * when no product still holds a piece of it.
 */
const pieceChunks = new ByteChunks();

export function productJson(product: Omit<ProductEntry, 'json' | 'showable' | 'category'>): ProductJson {
  const hashAt = product.url?.indexOf('#') ?? -1;
  const base = product.url === null ? null : hashAt < 0 ? product.url : product.url.slice(0, hashAt);
  const head = `{"id":${JSON.stringify(product.id)},"title":${JSON.stringify(product.title)},"url":`;
  const tail = `,"image":${JSON.stringify(product.image)},"price":${JSON.stringify(product.price)},"currency":${JSON.stringify(product.currency)}}`;
  const urlBase = base === null ? null : inner(base) + (base.includes('?') ? '&' : '?');
  const urlHash = product.url === null || hashAt < 0 ? '' : inner(product.url.slice(hashAt));
  const hasUtm = product.url?.includes('utm_') ?? false;
  const hash = fnv1a(`${head}\u0000${tail}\u0000${urlBase ?? '\u0001'}\u0000${urlHash}\u0000${hasUtm}`);
  const prefix = urlBase === null ? `${head}null${tail}` : `${head}"${urlBase}`;
  const suffix = urlBase === null ? '' : `${urlHash}"${tail}`;
  return {
    prefix: encodedIn(pieceChunks, prefix),
    suffix: encodedIn(pieceChunks, suffix),
    takesUtm: urlBase !== null && !hasUtm,
    hasUtm,
    head,
    tail,
    hash,
  };
}

/** `utm_source=…&utm_medium=…&utm_campaign=…&utm_content=<slot>`, URL-encoded (so JSON-safe). */
export function utmQuery(utm: WebhookSettings['utm'], campaign: string, slot: SlotName): string {
  return (
    `utm_source=${encodeURIComponent(utm.source)}&utm_medium=${encodeURIComponent(utm.medium)}` +
    `&utm_campaign=${encodeURIComponent(utm.campaign ?? campaign)}&utm_content=${encodeURIComponent(slot)}`
  );
}

/** The URL with utm_source, utm_medium, utm_campaign and utm_content (the slot) added, unless present. */
export function withUtm(url: string, utm: WebhookSettings['utm'], campaign: string, slot: SlotName): string {
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  let out = base;
  for (const part of utmQuery(utm, campaign, slot).split('&')) {
    if (out.includes(`${part.slice(0, part.indexOf('='))}=`)) continue;
    out += `${out.includes('?') ? '&' : '?'}${part}`;
  }
  return out + hash;
}

export function slotItem(
  product: ProductEntry,
  utm: WebhookSettings['utm'],
  campaign: string,
  slot: SlotName,
): SlotItem {
  return {
    id: product.id,
    title: product.title,
    url: product.url === null ? null : withUtm(product.url, utm, campaign, slot),
    image: product.image,
    price: product.price,
    currency: product.currency,
  };
}

/** Looks a product up in memory: the entry, null when the catalogue has no such product, undefined when not read yet. */
export type ProductLookup = (slot: ProductSlot) => ProductEntry | null | undefined;

/**
 * The first `n` products from `sources` (each best first, read in turn) that may be shown now: in
 * the catalogue, active, in stock, not in `shown`. Adds what it takes to `shown` (and to `taken`,
 * when given: the slots of what it returns, in order); products not read yet go to `unread` (the
 * caller reads them and picks again).
 */
export function pick(
  sources: ReadonlyArray<readonly ProductSlot[]>,
  n: number,
  lookup: ProductLookup,
  shown: ProductSlot[],
  unread: Set<ProductSlot>,
  taken?: ProductSlot[],
): ProductEntry[] {
  const out: ProductEntry[] = [];
  for (const source of sources) {
    for (let k = 0; k < source.length && out.length < n; k++) {
      const slot = source[k]!;
      if (isShown(shown, slot)) continue;
      const product = lookup(slot);
      if (product === undefined) {
        unread.add(slot);
        continue;
      }
      if (!product?.showable) continue;
      shown.push(slot);
      taken?.push(slot);
      out.push(product);
    }
  }
  return out;
}

/** A Fisher–Yates shuffle driven by `seed`: the same seed always gives the same order. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
