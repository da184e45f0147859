import { describe, expect, it } from 'vitest';
import {
  defaultPersonSettings,
  type LinkageModel,
  type LinkageSettingsInput,
  linkRecords,
  probabilityFromWeight,
  scorePair,
  trainModel,
} from '../../../../src/identity/probabilistic/index.js';
import { syntheticPeople } from './synthetic-people.js';

const settings: LinkageSettingsInput = { ...defaultPersonSettings, training: { uSamplePairs: 100_000 } };
const people = syntheticPeople({ people: 1500, duplicates: 500, seed: 3 });
const records = people.map((person) => person.record);
const result = linkRecords(settings, records);
const model = result.model;

describe('scoring and evidence', () => {
  it('explains every pair: prior + per-field weights = the match weight, probability from it', () => {
    expect(result.pairs.length).toBeGreaterThan(400);
    for (const pair of result.pairs) {
      const sum = pair.evidence.reduce((total, item) => total + item.weight, pair.priorWeight);
      expect(sum).toBeCloseTo(pair.weight, 9);
      expect(pair.probability).toBeCloseTo(probabilityFromWeight(pair.weight), 12);
      expect(pair.evidence.map((item) => item.field)).toEqual(model.fields.map((field) => field.key));
      for (const item of pair.evidence) if (item.level === 'null') expect(item.weight).toBe(0);
    }
  });

  it('prior weight is log2 of the prior odds', () => {
    const lambda = model.priorMatchProbability;
    expect(result.pairs[0]!.priorWeight).toBeCloseTo(Math.log2(lambda / (1 - lambda)), 12);
  });

  it('scorePair on two raw records gives the score the linkage gave', () => {
    for (const pair of result.pairs.slice(0, 50)) {
      const single = scorePair(model, records[pair.a]!, records[pair.b]!);
      expect(single.weight).toBeCloseTo(pair.weight, 9);
      expect(single.evidence).toEqual(pair.evidence);
    }
  });

  it('a model survives JSON and scores the same afterwards', () => {
    const restored = JSON.parse(JSON.stringify(model)) as LinkageModel;
    const pair = result.pairs[0]!;
    expect(scorePair(restored, records[pair.a]!, records[pair.b]!).weight).toBeCloseTo(pair.weight, 12);
  });

  it('never weighs a level below its field\'s "else" level', () => {
    const a = { first_name: 'annabel', last_name: 'x', city: 'somewhere' };
    const b = { first_name: 'anabelle', last_name: 'y', city: 'elsewhere' };
    const c = { first_name: 'zzz', last_name: 'y', city: 'elsewhere' };
    const near = scorePair(model, a, b).evidence.find((item) => item.field === 'given_name')!;
    const far = scorePair(model, a, c).evidence.find((item) => item.field === 'given_name')!;
    expect(far.level).toBe('else');
    expect(near.level).not.toBe('else');
    expect(near.weight).toBeGreaterThanOrEqual(far.weight);
  });
});

describe('term-frequency adjustment', () => {
  // Surnames with controlled frequencies: one shared by 200 people, the rest unique.
  const population = syntheticPeople({ people: 1200, duplicates: 300, seed: 21 }).map((person, index) => ({
    ...person.record,
    last_name: index % 6 === 0 ? 'smith' : person.record.last_name!,
  }));
  const rare = population.find(
    (record) => population.filter((other) => other.last_name === record.last_name).length === 1,
  )!;
  const pairOn = (surname: string) => [
    { first_name: 'qqq', last_name: surname },
    { first_name: 'www', last_name: surname },
  ];
  const surnameEvidence = (trained: LinkageModel, surname: string) => {
    const [a, b] = pairOn(surname);
    return scorePair(trained, a!, b!).evidence.find((item) => item.field === 'surname')!;
  };

  it('weighs exact agreement on a rare value above agreement on a common one', () => {
    const trained = trainModel(settings, population);
    const common = surnameEvidence(trained, 'smith');
    const uncommon = surnameEvidence(trained, rare.last_name!);
    expect(common.termFrequency).toBe(true);
    expect(common.level).toBe('exact');
    expect(uncommon.weight - common.weight).toBeGreaterThan(3);
    // u of "smith" is its frequency (about 1/6 of the records that have a surname).
    const m = trained.fields.find((field) => field.key === 'surname')!.levels[0]!.m;
    expect(2 ** common.weight).toBeCloseTo(
      m /
        (population.filter((r) => r.last_name === 'smith').length /
          population.filter((r) => r.last_name).length),
      6,
    );
  });

  it('without it, every exact agreement weighs the same', () => {
    const plain = trainModel(
      {
        ...settings,
        fields: defaultPersonSettings.fields.map((field) =>
          field.key === 'surname' ? { ...field, termFrequency: false } : field,
        ),
      },
      population,
    );
    expect(surnameEvidence(plain, 'smith').weight).toBeCloseTo(
      surnameEvidence(plain, rare.last_name!).weight,
      12,
    );
    expect(surnameEvidence(plain, 'smith').termFrequency).toBe(false);
  });
});
