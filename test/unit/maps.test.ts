import { describe, expect, it } from 'vitest';
import { WeakKeyedMemo } from '../../src/lib/maps.js';

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
