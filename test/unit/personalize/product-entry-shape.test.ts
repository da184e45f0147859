import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { entryFor, type ProductRow, toEntry } from '../../../src/services/personalize/serving-cache.js';

// V8's own check of whether two objects share a hidden class (map). Natives syntax is read when a
// function is compiled, so turning it on here makes the function below compile with it.
setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

function row(i: number): ProductRow {
  return {
    id: `p${i}`,
    title: `Product ${i}`,
    url: i % 7 === 0 ? null : `https://shop.example.com/p/${i}`,
    image: i % 5 === 0 ? null : `https://cdn.example.com/${i}.jpg`,
    // Integers, fractions and none: what made spread copies each take a map of their own.
    price: i % 11 === 0 ? null : i % 3 === 0 ? i : i + 0.99,
    currency: i % 11 === 0 ? null : 'EUR',
    category: i % 13 === 0 ? null : `cat-${i % 4}`,
    inStock: i % 9 === 0 ? 0 : 1,
    active: 1,
  };
}

describe('product entries (toEntry)', () => {
  it('share one shape however their prices and optional fields vary, so sends read them through warm inline caches', () => {
    const entries = Array.from({ length: 500 }, (_, i) => toEntry(row(i)));
    const shapes: object[] = [];
    for (const entry of entries) {
      if (!shapes.some((shape) => sameMap(shape, entry))) shapes.push(entry);
    }
    expect(shapes).toHaveLength(1);
  });

  it('the check tells shapes apart (two different objects are not reported alike)', () => {
    expect(sameMap({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameMap({ a: 1 }, { a: 2 })).toBe(true);
  });

  it('keeps every field of the row a send shows', () => {
    const entry = toEntry(row(4));
    expect(entry).toMatchObject({
      id: 'p4',
      title: 'Product 4',
      url: 'https://shop.example.com/p/4',
      price: 4.99,
      currency: 'EUR',
      category: 'cat-0',
      showable: true,
    });
    expect(new TextDecoder().decode(entry.json.prefix)).toContain('"id":"p4"');
  });
});

describe('product entries re-read (entryFor)', () => {
  it('keeps the entry it holds when the row says the same, so a refresh of an unchanged catalogue makes no new entries', () => {
    const held = toEntry(row(4));
    // A re-read gives new row objects with equal values.
    expect(entryFor({ ...row(4) }, held)).toBe(held);
    const noUrl = toEntry(row(7));
    expect(entryFor({ ...row(7) }, noUrl)).toBe(noUrl);
  });

  it('makes a new entry when anything a send shows or filters on changed', () => {
    const held = toEntry(row(4));
    const changes: Partial<ProductRow>[] = [
      { title: 'Renamed' },
      { url: 'https://shop.example.com/p/4?v=2' },
      { url: null },
      { image: null },
      { price: 5 },
      { price: null },
      { currency: 'USD' },
      { category: 'cat-9' },
      { inStock: 0 },
      { active: 0 },
    ];
    for (const change of changes) {
      const changed = { ...row(4), ...change };
      const entry = entryFor(changed, held);
      expect(entry).not.toBe(held);
      expect(entry).toEqual(toEntry(changed));
    }
  });

  it('makes one when nothing is held', () => {
    expect(entryFor(row(4), undefined)).toEqual(toEntry(row(4)));
    expect(entryFor(row(4), null)).toEqual(toEntry(row(4)));
  });
});
