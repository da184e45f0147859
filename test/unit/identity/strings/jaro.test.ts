import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from '../../../../src/identity/strings/index.js';

describe('jaro and jaroWinkler', () => {
  // Published values (Winkler 1990; the Jaro-Winkler article's worked examples).
  it.each([
    ['MARTHA', 'MARHTA', 0.944, 0.961],
    ['DWAYNE', 'DUANE', 0.822, 0.84],
    ['DIXON', 'DICKSONX', 0.767, 0.813],
  ])('%s vs %s', (a, b, expectedJaro, expectedJaroWinkler) => {
    expect(jaro(a, b)).toBeCloseTo(expectedJaro, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(expectedJaroWinkler, 3);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['MARTHA', 'MARHTA'],
      ['DIXON', 'DICKSONX'],
      ['abc', 'cba'],
      ['crate', 'trace'],
    ] as const) {
      expect(jaro(a, b)).toBeCloseTo(jaro(b, a), 12);
      expect(jaroWinkler(a, b)).toBeCloseTo(jaroWinkler(b, a), 12);
    }
  });

  it('handles identical, empty and disjoint strings', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('works past its initial scratch buffer size', () => {
    const a = `${'a'.repeat(200)}bc`;
    const b = `${'a'.repeat(200)}cb`;
    expect(jaro(a, b)).toBeGreaterThan(0.99);
    expect(jaro(a, b)).toBeLessThan(1);
    // And still right on short strings afterwards (flags are reset per call).
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
  });

  it('boosts a shared prefix of up to four characters', () => {
    expect(jaroWinkler('abcdxyz', 'abcdzyx')).toBeGreaterThan(jaro('abcdxyz', 'abcdzyx'));
    expect(jaroWinkler('xabcd', 'yabcd')).toBe(jaro('xabcd', 'yabcd'));
  });
});
