import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../../src/predict/auc.js';
import { DegenerateDataError } from '../../../src/predict/errors.js';
import { seededRandom } from './simulate.js';

/** Every (positive, negative) pair: 1 if the positive scores higher, ½ on a tie. */
function pairwiseAuc(scores: number[], labels: (0 | 1)[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((label, i) => {
    if (label !== 1) return;
    labels.forEach((other, j) => {
      if (other !== 0) return;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('matches the scikit-learn documentation example', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('is 1 for a perfect ranking, 0 for an inverted one and ½ when every score ties', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([7, 7, 7, 7], [0, 1, 0, 1])).toBe(0.5);
  });

  it('agrees with counting pairs on random scores with many ties', () => {
    const random = seededRandom(11);
    const scores = Array.from({ length: 300 }, () => Math.floor(random() * 12));
    const labels = scores.map((score): 0 | 1 => (random() < 0.2 + score / 20 ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
  });

  it('refuses a single class', () => {
    expect(() => rocAuc([0.2, 0.4], [1, 1])).toThrow(DegenerateDataError);
    expect(() => rocAuc([0.2], [1, 0])).toThrow(/1 scores for 2 labels/);
  });
});
