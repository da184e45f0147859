import { describe, expect, it } from 'vitest';
import { digitsOnly, foldText, soundex } from '../../../../src/identity/strings/index.js';

describe('soundex', () => {
  // Examples from the US National Archives' description of American Soundex.
  it.each([
    ['Robert', 'R163'],
    ['Rupert', 'R163'],
    ['Rubin', 'R150'],
    ['Ashcraft', 'A261'],
    ['Ashcroft', 'A261'],
    ['Tymczak', 'T522'],
    ['Pfister', 'P236'],
    ['Honeyman', 'H555'],
    ['Lee', 'L000'],
  ])('%s → %s', (name, code) => {
    expect(soundex(name)).toBe(code);
  });

  it('ignores case and non-letters, and has no code for no letters', () => {
    expect(soundex("o'brien")).toBe(soundex('OBRIEN'));
    expect(soundex('123')).toBe('');
    expect(soundex('')).toBe('');
  });
});

describe('normalizers', () => {
  it('folds case, accents, punctuation and spacing', () => {
    expect(foldText("  José   O'Brien-Smith ")).toBe('jose o brien smith');
  });

  it('keeps digits only', () => {
    expect(digitsOnly('+1 (555) 010-9999')).toBe('15550109999');
  });
});
