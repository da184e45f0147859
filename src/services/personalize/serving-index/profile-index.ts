import type { ProductSlot, ProductSlots } from '../product-slots.js';
import type { ProfileLookup } from '../profile-query.js';
import type { ServedProfile } from '../served-profile.js';
import { ByteArena } from './byte-arena.js';
import { type AddressMatcher, KeyTable } from './key-table.js';
import { TextTable } from './text-table.js';

/**
 * A held profile's record in the arena (little-endian):
 *
 *   0 u32 record size       24 u32 rfmGroup ref      44 u32 segments ref
 *   4 u8  level code        28 u32 clvTier ref       48 u32 cartItems
 *   6 u16 items (FFFF null) 32 u32 clusterId ref     52 u16 identity keys
 *   8 f64 confidence        36 u32 clusterLabel ref  54 u32 × items: product slot indexes
 *  16 f64 aov (NaN: null)   40 u32 lastViewedCategory ref
 *
 * then the texts id, firstName, lastName, cart and each identity key, each a u32 byte length
 * (FFFFFFFF: null) and its UTF-8 bytes. Refs name texts in the TextTable (0: null): groups, tiers
 * and segment lists repeat across a million profiles.
 */
const LEVEL = 4;
const ITEMS = 6;
const CONFIDENCE = 8;
const AOV = 16;
const REFS = 24;
const CART_ITEMS = 48;
const KEYS = 52;
const HEADER = 54;
const NULL_ITEMS = 0xffff;
const NULL_TEXT = 0xffffffff;
const LEVELS = [null, 'personal', 'segment', 'global'] as const;
/** A record given up: compaction skips it. */
const DEAD = 0xff;

export interface ProfileIndexOptions {
  /** Chunks of 2^chunkBits bytes (default 2 MB; tests make them small). */
  chunkBits?: number;
}

type Level = ServedProfile['level'];
/** A level the database holds that this code does not know is stored as none (never as DEAD). */
const levelCode = (level: Level) => Math.max(0, LEVELS.indexOf(level));

/** FNV-1a over bytes: identity keys and profile ids are hashed as stored. */
function hashBytes(bytes: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

const textSize = (text: string | null) => 4 + (text === null ? 0 : Buffer.byteLength(text));

/**
 * The send-time webhook's profiles in memory: identity key or profile id → what the answer needs.
 * Pure bookkeeping, no I/O: serving-index.ts fills it from the database and keeps it current from
 * the change log. Every profile it holds is answered from here; anything else is a miss and is
 * read from the database.
 *
 * Profiles are held as bytes (byte-arena.ts) found through two hash tables over typed arrays
 * (key-table.ts), not as objects, and `get` builds the object a send uses: a million profiles then
 * cost the collector nothing and take about a third of the memory.
 */
export class ProfileIndex implements AddressMatcher {
  private readonly arena: ByteArena;
  private readonly byKey = new KeyTable();
  private readonly byId = new KeyTable();
  private readonly texts = new TextTable();
  /** What `matches` compares a record's id (or keys, `matchKeys`) with: bytes [probeStart, probeEnd) of probeBytes. */
  private probeBytes: Buffer = Buffer.allocUnsafeSlow(1_024);
  private probeStart = 0;
  private probeEnd = 0;
  private matchKeys = false;
  private readonly scratch = this.probeBytes;

  /** How many chunks compaction has freed. */
  compactions = 0;
  /** Profiles not held because their record would not fit a chunk: their sends read the database. */
  tooLarge = 0;

  constructor(
    private readonly products: ProductSlots,
    options: ProfileIndexOptions = {},
  ) {
    this.arena = new ByteArena(options.chunkBits);
  }

  get(lookup: ProfileLookup): ServedProfile | undefined {
    const address = this.find(lookup.key, lookup.byId);
    return address < 0 ? undefined : this.decode(address);
  }

  /**
   * Holds `profile` under its id and `keys`, replacing what was held for that id. A profile whose
   * record would not fit a chunk (a cart of megabytes) is let go instead: it is a miss, and its
   * sends read the database.
   */
  put(profile: ServedProfile, keys: readonly string[]): void {
    this.evict(profile.id);
    const address = this.encode(profile, keys);
    if (address < 0) {
      this.tooLarge++;
      return;
    }
    this.byId.insert(this.idHash(address), address);
    const bytes = this.arena.bytes(address);
    this.forEachKey(address, (hash, start, end) => {
      // A key another profile holds moves here (a merge applied in the other order).
      this.probe(bytes, start, end, true);
      const holder = this.byKey.find(hash, this);
      if (holder >= 0) this.byKey.remove(hash, holder);
      this.byKey.insert(hash, address);
    });
  }

  /**
   * Lets go of a profile and of the keys that still lead to it. A key already taken over by
   * another profile (a merge applied in the other order) stays with that one.
   */
  evict(id: string): void {
    const address = this.find(id, true);
    if (address < 0) return;
    this.byId.remove(this.idHash(address), address);
    this.forEachKey(address, (hash) => this.byKey.remove(hash, address));
    const view = this.arena.view(address);
    view.setUint8(this.arena.offsetOf(address) + LEVEL, DEAD);
    this.arena.release(address, view.getUint32(this.arena.offsetOf(address), true));
  }

  /**
   * Moves the live records out of the chunk most of which replaced or evicted records have given
   * up, and frees it; false when no chunk is worth it. One chunk (2 MB) is a pause of a few
   * milliseconds, so the caller runs a step between pages of work (serving-index.ts does after
   * each page of changes) rather than all at once: a nightly recompute rewrites every profile.
   */
  compactStep(): boolean {
    const chunk = this.arena.sparseChunk();
    if (chunk < 0) return false;
    const { first, end } = this.arena.span(chunk);
    for (let address = first; address < end; ) {
      const view = this.arena.view(address);
      const start = this.arena.offsetOf(address);
      const size = view.getUint32(start, true);
      if (view.getUint8(start + LEVEL) !== DEAD) this.move(address, size);
      address += size;
    }
    this.arena.freeChunk(chunk);
    this.compactions++;
    return true;
  }

  /** Copies a live record to the end of the arena and points its id and keys at the copy. */
  private move(address: number, size: number): void {
    const to = this.arena.reserve(size);
    const from = this.arena.offsetOf(address);
    this.arena.bytes(address).copy(this.arena.bytes(to), this.arena.offsetOf(to), from, from + size);
    this.byId.replace(this.idHash(to), address, to);
    // A key another profile has taken over stays with that one (replace finds no entry for it).
    this.forEachKey(to, (hash) => this.byKey.replace(hash, address, to));
  }

  /** The hash of the record's profile id, as the byId table holds it. */
  private idHash(address: number): number {
    const at = this.textsStart(address);
    const start = at + 4;
    return hashBytes(this.arena.bytes(address), start, start + this.arena.view(address).getUint32(at, true));
  }

  /** Calls `visit` with the hash and byte range of each of the record's identity keys, in order. */
  private forEachKey(address: number, visit: (hash: number, start: number, end: number) => void): void {
    const view = this.arena.view(address);
    const bytes = this.arena.bytes(address);
    const keyCount = view.getUint16(this.arena.offsetOf(address) + KEYS, true);
    let at = this.skipTexts(address, this.textsStart(address), 4);
    for (let k = 0; k < keyCount; k++) {
      const start = at + 4;
      const end = start + view.getUint32(at, true);
      visit(hashBytes(bytes, start, end), start, end);
      at = end;
    }
  }

  get profiles(): number {
    return this.byId.size;
  }

  get keys(): number {
    return this.byKey.size;
  }

  /** Memory the index holds outside the JavaScript heap: records and tables. */
  get bytes(): number {
    return this.arena.byteLength + this.byKey.byteLength + this.byId.byteLength;
  }

  /** AddressMatcher: whether the record at `address` has the id (or a key) being probed for. */
  matches(address: number): boolean {
    const view = this.arena.view(address);
    const bytes = this.arena.bytes(address);
    let at = this.textsStart(address);
    if (this.matchKeys) {
      const keyCount = view.getUint16(this.arena.offsetOf(address) + KEYS, true);
      at = this.skipTexts(address, at, 4);
      for (let k = 0; k < keyCount; k++) {
        const length = view.getUint32(at, true);
        if (this.sameBytes(bytes, at + 4, length)) return true;
        at += 4 + length;
      }
      return false;
    }
    return this.sameBytes(bytes, at + 4, view.getUint32(at, true));
  }

  private find(key: string, byId: boolean): number {
    // A UTF-16 unit is at most 3 UTF-8 bytes: a key that surely fits is encoded once, into scratch.
    const bytes = key.length * 3 <= this.scratch.length ? this.scratch : Buffer.from(key);
    const length = bytes === this.scratch ? bytes.write(key, 0) : bytes.length;
    this.probe(bytes, 0, length, !byId);
    return (byId ? this.byId : this.byKey).find(hashBytes(bytes, 0, length), this);
  }

  private probe(bytes: Buffer, start: number, end: number, keys: boolean): void {
    this.probeBytes = bytes;
    this.probeStart = start;
    this.probeEnd = end;
    this.matchKeys = keys;
  }

  private sameBytes(bytes: Buffer, start: number, length: number): boolean {
    if (length !== this.probeEnd - this.probeStart) return false;
    const probe = this.probeBytes;
    for (let i = 0, j = this.probeStart; i < length; i++, j++)
      if (bytes[start + i] !== probe[j]) return false;
    return true;
  }

  private textsStart(address: number): number {
    const items = this.arena.view(address).getUint16(this.arena.offsetOf(address) + ITEMS, true);
    return this.arena.offsetOf(address) + HEADER + 4 * (items === NULL_ITEMS ? 0 : items);
  }

  /** The offset after `count` texts from `at`. */
  private skipTexts(address: number, at: number, count: number): number {
    const view = this.arena.view(address);
    for (let t = 0; t < count; t++) {
      const length = view.getUint32(at, true);
      at += 4 + (length === NULL_TEXT ? 0 : length);
    }
    return at;
  }

  private encode(profile: ServedProfile, keys: readonly string[]): number {
    const items = profile.items;
    const texts = [profile.id, profile.firstName, profile.lastName, profile.cart, ...keys];
    let size = HEADER + 4 * (items?.length ?? 0);
    for (const text of texts) size += textSize(text);
    if (size > this.arena.chunkSize) return -1;
    const address = this.arena.reserve(size);
    const view = this.arena.view(address);
    const bytes = this.arena.bytes(address);
    const start = this.arena.offsetOf(address);
    view.setUint32(start, size, true);
    view.setUint8(start + LEVEL, levelCode(profile.level));
    view.setUint16(start + ITEMS, items === null ? NULL_ITEMS : items.length, true);
    view.setFloat64(start + CONFIDENCE, profile.confidence, true);
    view.setFloat64(start + AOV, profile.aov ?? Number.NaN, true);
    const refs = [
      profile.rfmGroup,
      profile.clvTier,
      profile.clusterId,
      profile.clusterLabel,
      profile.lastViewedCategory,
      profile.segments,
    ];
    for (const [i, text] of refs.entries()) view.setUint32(start + REFS + 4 * i, this.texts.ref(text), true);
    view.setUint32(start + CART_ITEMS, profile.cartItems, true);
    view.setUint16(start + KEYS, keys.length, true);
    let at = start + HEADER;
    for (const item of items ?? []) {
      // Lists name catalogue products, which always have a shared slot (product-slots.ts).
      const slot = item.shared ? item : this.products.slot(item.id);
      view.setUint32(at, slot.index, true);
      at += 4;
    }
    for (const text of texts) {
      if (text === null) {
        view.setUint32(at, NULL_TEXT, true);
        at += 4;
        continue;
      }
      const length = bytes.write(text, at + 4);
      view.setUint32(at, length, true);
      at += 4 + length;
    }
    return address;
  }

  /** The record as the object a send uses (the same shape servedFromRow makes). */
  private decode(address: number): ServedProfile {
    const view = this.arena.view(address);
    const bytes = this.arena.bytes(address);
    const start = this.arena.offsetOf(address);
    const itemCount = view.getUint16(start + ITEMS, true);
    let items: ProductSlot[] | null = null;
    if (itemCount !== NULL_ITEMS) {
      items = new Array<ProductSlot>(itemCount);
      for (let i = 0; i < itemCount; i++)
        items[i] = this.products.at(view.getUint32(start + HEADER + 4 * i, true));
    }
    this.cursor = start + HEADER + 4 * (itemCount === NULL_ITEMS ? 0 : itemCount);
    const id = this.nextText(view, bytes) as string;
    const firstName = this.nextText(view, bytes);
    const lastName = this.nextText(view, bytes);
    const cart = this.nextText(view, bytes);
    const aov = view.getFloat64(start + AOV, true);
    const refs = start + REFS;
    return {
      id,
      firstName,
      lastName,
      items,
      level: LEVELS[view.getUint8(start + LEVEL)] ?? null,
      confidence: view.getFloat64(start + CONFIDENCE, true),
      rfmGroup: this.texts.text(view.getUint32(refs, true)),
      clvTier: this.texts.text(view.getUint32(refs + 4, true)),
      clusterId: this.texts.text(view.getUint32(refs + 8, true)),
      clusterLabel: this.texts.text(view.getUint32(refs + 12, true)),
      aov: Number.isNaN(aov) ? null : aov,
      lastViewedCategory: this.texts.text(view.getUint32(refs + 16, true)),
      cart,
      cartItems: view.getUint32(start + CART_ITEMS, true),
      segments: this.texts.text(view.getUint32(refs + 20, true)),
    };
  }

  /** Where decode reads next. */
  private cursor = 0;

  /** The text at the cursor, moving past it. */
  private nextText(view: DataView, bytes: Buffer): string | null {
    const at = this.cursor;
    const length = view.getUint32(at, true);
    if (length === NULL_TEXT) {
      this.cursor = at + 4;
      return null;
    }
    this.cursor = at + 4 + length;
    return length === 0 ? '' : bytes.toString('utf8', at + 4, at + 4 + length);
  }
}
