import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/identity/probabilistic/index.js';
import { damerauLevenshtein, levenshtein } from '../../../../src/identity/strings/index.js';

/** Textbook full-matrix implementations, for checking the fast ones. */
function reference(a: string, b: string, transpositions: boolean): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

describe('levenshtein', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['saturday', 'sunday', 3],
  ])('%s vs %s = %i', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
    expect(levenshtein(b, a)).toBe(expected);
  });

  it('reports anything above the ceiling as ceiling + 1', () => {
    expect(levenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(levenshtein('kitten', 'sitting', 3)).toBe(3);
    expect(levenshtein('a', 'abcdef', 2)).toBe(3);
  });

  it('agrees with the full-matrix definition on random strings, with and without a ceiling', () => {
    const random = seededRandom(7);
    const word = () =>
      Array.from({ length: Math.floor(random() * 9) }, () => 'abcd'[Math.floor(random() * 4)]).join('');
    for (let k = 0; k < 500; k++) {
      const a = word();
      const b = word();
      const lev = reference(a, b, false);
      const osa = reference(a, b, true);
      expect(levenshtein(a, b)).toBe(lev);
      expect(damerauLevenshtein(a, b)).toBe(osa);
      expect(levenshtein(a, b, 2)).toBe(Math.min(lev, 3));
      expect(damerauLevenshtein(a, b, 1)).toBe(Math.min(osa, 2));
    }
  });
});

describe('damerauLevenshtein (optimal string alignment)', () => {
  it('counts an adjacent transposition as one edit', () => {
    expect(damerauLevenshtein('19800101', '19080101')).toBe(1);
    expect(levenshtein('19800101', '19080101')).toBe(2);
    expect(damerauLevenshtein('ca', 'ac')).toBe(1);
  });

  it('does not edit a transposed pair again (OSA, not unrestricted Damerau)', () => {
    expect(damerauLevenshtein('ca', 'abc')).toBe(3);
  });
});
