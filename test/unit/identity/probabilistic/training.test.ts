import { describe, expect, it } from 'vitest';
import { compareAll, fieldLevelLabels } from '../../../../src/identity/probabilistic/comparisons.js';
import {
  defaultPersonSettings,
  linkageModelSchema,
  prepareLinkage,
  trainModelOn,
} from '../../../../src/identity/probabilistic/index.js';
import { sampleRandomPairs } from '../../../../src/identity/probabilistic/random-pairs.js';
import { syntheticPeople } from './synthetic-people.js';

const people = syntheticPeople({ people: 1200, duplicates: 400, seed: 11, keep: 0.8 });
const settings = { ...defaultPersonSettings, training: { uSamplePairs: 100_000 } };
const data = prepareLinkage(
  settings,
  people.map((person) => person.record),
);
const model = trainModelOn(data);
const entity = people.map((person) => person.entity);

/** Level shares per field over the given pairs, computed with the truth: what EM should recover. */
function levelShares(left: number[], right: number[]): number[][] {
  const width = data.settings.fields.length;
  const vectors = compareAll(data.comparators, Int32Array.from(left), Int32Array.from(right));
  return data.settings.fields.map((field, f) => {
    const counts = new Array(fieldLevelLabels(field).length + 1).fill(0);
    for (let p = 0; p < left.length; p++) counts[vectors[p * width + f]!]++;
    const nonNull = left.length - counts[0];
    return counts.slice(1).map((count) => count / nonNull);
  });
}

describe('trainModel (EM, no labels)', () => {
  it('finds the planted share of matches', () => {
    expect(model.training.emConverged).toBe(true);
    expect(model.training.identifiable).toBe(true);
    expect(model.training.expectedMatches).toBeGreaterThan(400 * 0.9);
    expect(model.training.expectedMatches).toBeLessThan(400 * 1.1);
  });

  it('recovers m close to the level shares of the true pairs', () => {
    const left: number[] = [];
    const right: number[] = [];
    for (let d = 1200; d < people.length; d++) {
      left.push(entity.indexOf(entity[d]!));
      right.push(d);
    }
    const truth = levelShares(left, right);
    model.fields.forEach((field, f) => {
      if (!field.present) return;
      field.levels.forEach((level, l) => {
        expect.soft(Math.abs(level.m - truth[f]![l]!), `${field.key} ${level.label}`).toBeLessThan(0.05);
      });
    });
  });

  it('recovers u close to the level shares of non-matching pairs', () => {
    const sample = sampleRandomPairs(data.prepared, 100_000, 99);
    const left: number[] = [];
    const right: number[] = [];
    for (let p = 0; p < sample.count; p++) {
      if (entity[sample.left[p]!] === entity[sample.right[p]!]) continue;
      left.push(sample.left[p]!);
      right.push(sample.right[p]!);
    }
    const truth = levelShares(left, right);
    model.fields.forEach((field, f) => {
      if (!field.present) return;
      const exact = field.levels[0]!;
      const expected = truth[f]![0]!;
      // Rare agreements: within a factor of 2 (or both negligible).
      if (expected > 1e-3) expect.soft(exact.u / expected, `${field.key} exact u`).toBeGreaterThan(0.5);
      if (expected > 1e-3) expect.soft(exact.u / expected, `${field.key} exact u`).toBeLessThan(2);
      else expect.soft(exact.u, `${field.key} exact u`).toBeLessThan(2e-3);
    });
  });

  it('leaves fields the data lacks out of the model', () => {
    const absent = model.fields.filter((field) => !field.present).map((field) => field.key);
    expect(absent).toEqual(expect.arrayContaining(['national_id', 'street_number', 'address', 'state']));
    expect(absent).not.toContain('email');
  });

  it('is deterministic and JSON-serializable', () => {
    const again = trainModelOn(data);
    expect(again).toEqual(model);
    expect(linkageModelSchema.parse(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });

  it('refuses to merge when the data holds no duplicates (EM then finds a look-alike class)', () => {
    const unique = syntheticPeople({ people: 1500, duplicates: 0, seed: 5 }).map((person) => person.record);
    const noDuplicates = trainModelOn(prepareLinkage(settings, unique));
    expect(noDuplicates.training.identifiable).toBe(false);
  });
});
