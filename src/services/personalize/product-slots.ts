import type { ProductEntry } from './items.js';

/**
 * One catalogue product as the send-time path holds it: the entry last read (null: the catalogue
 * has no such product; undefined: not read yet) and until when it is fresh.
 *
 * Precomputed lists, shared lists and carts point straight at these. A send then reaches a product
 * through one pointer, where a product id string cost a Map lookup and a Set of ids to keep slots
 * from repeating items; with a million profiles in memory each of those was a few cache misses,
 * about 3 µs per send (docs/benchmarks.md, seventh session).
 */
export class ProductSlot {
  entry: ProductEntry | null | undefined = undefined;
  expiresAt = 0;

  /**
   * `index`: its place in the registry (ProductSlots.at), which the serving index stores instead of
   * a pointer; -1 for a private slot (a cart's product when the registry was full), which is
   * compared by id.
   */
  constructor(
    readonly id: string,
    readonly index = -1,
  ) {}

  get shared(): boolean {
    return this.index >= 0;
  }

  /** The entry while fresh at `now`, else undefined. */
  fresh(now: number): ProductEntry | null | undefined {
    return this.expiresAt > now ? this.entry : undefined;
  }

  /** Sets what was read, fresh until `expiresAt`. */
  hold(entry: ProductEntry | null, expiresAt: number): void {
    this.entry = entry;
    this.expiresAt = expiresAt;
  }

  forget(): void {
    this.entry = undefined;
    this.expiresAt = 0;
  }
}

/**
 * The slots by product id, one per id, so everything that names a product shares its slot (and
 * with it each re-read). Slots are never dropped, since lists point at them. Lists and precomputed
 * lists name catalogue products, so they always get a shared slot; a cart's products come from
 * events and may be made up, so past `cartCapacity` ids a new one gets a private slot, read again
 * by each send that asks for it.
 */
export class ProductSlots {
  private readonly byId = new Map<string, ProductSlot>();
  private readonly all: ProductSlot[] = [];

  constructor(private readonly cartCapacity: number) {}

  /** The shared slot of `id`, made on first use. */
  slot(id: string): ProductSlot {
    const known = this.byId.get(id);
    if (known) return known;
    const slot = new ProductSlot(id, this.all.length);
    this.byId.set(id, slot);
    this.all.push(slot);
    return slot;
  }

  /** The shared slot of a cart's product, or a private one once the registry is full. */
  cartSlot(id: string): ProductSlot {
    const known = this.byId.get(id);
    if (known) return known;
    return this.all.length >= this.cartCapacity ? new ProductSlot(id) : this.slot(id);
  }

  /** The shared slot at `index` (ProductSlot.index). */
  at(index: number): ProductSlot {
    const slot = this.all[index];
    if (!slot) throw new RangeError(`no product slot ${index}`);
    return slot;
  }

  /** Forgets every entry read (the slots stay: lists point at them). */
  forget(): void {
    for (const slot of this.all) slot.forget();
  }
}

/**
 * Whether `slot` is among `shown`: by identity, as shared slots are one per product; private slots
 * (a full registry) are compared by id, as two of them may name one product.
 */
export function isShown(shown: readonly ProductSlot[], slot: ProductSlot): boolean {
  for (const other of shown) {
    if (other === slot) return true;
    if (!slot.shared && !other.shared && other.id === slot.id) return true;
  }
  return false;
}
