import { describe, expect, it } from 'vitest';
import { getOrInsert, WeakKeyedMemo } from '../../src/lib/maps.js';

describe('WeakKeyedMemo', () => {
  it('makes a value once per owner and key, keeps owners apart, and starts an owner over when full', () => {
    const memo = new WeakKeyedMemo<object, string>(2);
    const [first, second] = [{}, {}];
    let made = 0;
    const make = (label: string) => () => `${label}#${++made}`;
    expect(memo.get(first, 'a', make('a'))).toBe('a#1');
    expect(memo.get(first, 'a', make('a'))).toBe('a#1');
    expect(memo.get(second, 'a', make('a'))).toBe('a#2');
    expect(memo.get(first, 'b', make('b'))).toBe('b#3');
    // A third key for `first`: its two are dropped, `second`'s stay.
    expect(memo.get(first, 'c', make('c'))).toBe('c#4');
    expect(memo.get(first, 'a', make('a'))).toBe('a#5');
    expect(memo.get(second, 'a', make('a'))).toBe('a#2');
  });
});

describe('getOrInsert', () => {
  it('makes a value once per key, and with a limit starts over when full', () => {
    const map = new Map<string, number>();
    let made = 0;
    const make = () => ++made;
    expect(getOrInsert(map, 'a', make, 2)).toBe(1);
    expect(getOrInsert(map, 'a', make, 2)).toBe(1);
    expect(getOrInsert(map, 'b', make, 2)).toBe(2);
    // A third key: the two held are dropped.
    expect(getOrInsert(map, 'c', make, 2)).toBe(3);
    expect([...map.keys()]).toEqual(['c']);
    expect(getOrInsert(map, 'a', make, 2)).toBe(4);
    // Without a limit nothing is dropped.
    const unbounded = new Map<number, number>();
    for (let i = 0; i < 100; i++) getOrInsert(unbounded, i, () => i);
    expect(unbounded.size).toBe(100);
  });
});
