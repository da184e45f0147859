import { describe, expect, it } from 'vitest';
import { type ProductEntry, pick, productJson } from '../../../src/services/personalize/items.js';
import { isShown, ProductSlot, ProductSlots } from '../../../src/services/personalize/product-slots.js';

function entry(id: string, showable = true): ProductEntry {
  const shown = { id, title: id.toUpperCase(), url: null, image: null, price: 1, currency: 'EUR' };
  return { ...shown, category: null, showable, json: productJson(shown) };
}

describe('ProductSlots', () => {
  it('gives every name of a product the same slot, so one read serves every list', () => {
    const slots = new ProductSlots(10);
    const a = slots.slot('p1');
    expect(slots.slot('p1')).toBe(a);
    expect(slots.at(a.index)).toBe(a);
    expect(slots.cartSlot('p1')).toBe(a);
    expect(a.shared).toBe(true);
    a.hold(entry('p1'), 1_000);
    expect(a.fresh(999)?.id).toBe('p1');
    // Expired: not fresh, still there for whoever serves stale entries.
    expect(a.fresh(1_000)).toBeUndefined();
    expect(a.entry?.id).toBe('p1');
  });

  it("hands out private slots for carts' products once full, and forgets entries but keeps slots", () => {
    const slots = new ProductSlots(1);
    const kept = slots.cartSlot('p1');
    expect(slots.at(kept.index)).toBe(kept);
    const extra = slots.cartSlot('p2');
    expect(extra.shared).toBe(false);
    expect(slots.cartSlot('p2')).not.toBe(extra);
    // The private slot was never registered: the id's shared slot is another one.
    const registered = slots.slot('p2');
    expect(registered).not.toBe(extra);
    expect(registered.shared).toBe(true);
    // Lists name catalogue products: those are always shared.
    expect(slots.slot('p3').shared).toBe(true);
    expect(slots.cartSlot('p3')).toBe(slots.slot('p3'));
    kept.hold(entry('p1'), 1_000);
    slots.forget();
    expect(slots.slot('p1')).toBe(kept);
    expect(kept.entry).toBeUndefined();
  });

  it('counts a product shown by identity, and private slots of one id as the same product', () => {
    const shared = new ProductSlot('p1', 0);
    expect(isShown([shared], shared)).toBe(true);
    expect(isShown([shared], new ProductSlot('p2', 1))).toBe(false);
    expect(isShown([new ProductSlot('p3')], new ProductSlot('p3'))).toBe(true);
    expect(isShown([new ProductSlot('p3')], new ProductSlot('p4'))).toBe(false);
  });
});

describe('pick over slots', () => {
  const slots = new ProductSlots(100);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => slots.slot(id)) as [
    ProductSlot,
    ProductSlot,
    ProductSlot,
    ProductSlot,
  ];
  a.hold(entry('a'), Number.POSITIVE_INFINITY);
  b.hold(entry('b', false), Number.POSITIVE_INFINITY);
  c.hold(entry('c'), Number.POSITIVE_INFINITY);

  it('takes showable products in source order, skips what was shown, and reports what is unread', () => {
    const shown: ProductSlot[] = [];
    const unread = new Set<ProductSlot>();
    const taken: ProductSlot[] = [];
    const lookup = (slot: ProductSlot) => slot.entry;
    const first = pick(
      [
        [a, b],
        [a, d, c],
      ],
      3,
      lookup,
      shown,
      unread,
      taken,
    );
    expect(first.map((product) => product.id)).toEqual(['a', 'c']);
    expect(taken).toEqual([a, c]);
    expect(shown).toEqual([a, c]);
    expect([...unread]).toEqual([d]);
    // A later slot never repeats them.
    expect(pick([[c, a]], 2, lookup, shown, new Set())).toEqual([]);
  });
});
