import { describe, expect, it } from 'vitest';
import {
  clusterPairMetrics,
  connectedComponents,
  defaultPersonSettings,
  type LinkageSettingsInput,
  linkRecords,
  pairListMetrics,
} from '../../../../src/identity/probabilistic/index.js';
import { syntheticPeople } from './synthetic-people.js';

const settings: LinkageSettingsInput = { ...defaultPersonSettings, training: { uSamplePairs: 100_000 } };

describe('linkRecords', () => {
  const people = syntheticPeople({ people: 1500, duplicates: 600, seed: 8 });
  const truth = people.map((person) => person.entity);

  it('deduplicates CRM-style profiles into entities', () => {
    const result = linkRecords(
      settings,
      people.map((person) => person.record),
    );
    const metrics = clusterPairMetrics(truth, result.clusterOf, {
      size: people.length,
      leftSize: people.length,
      mode: 'dedup',
    });
    expect(metrics.precision).toBeGreaterThanOrEqual(0.99);
    expect(metrics.recall).toBeGreaterThanOrEqual(0.97);
    for (const cluster of result.clusters) expect(cluster.length).toBeGreaterThan(1);
    expect(result.stats.merged).toBe(result.pairs.filter((pair) => pair.decision === 'merge').length);
  });

  it('links left × right: pairs always go from the left to the right side', () => {
    const left = people.slice(0, 1500);
    const right = people.slice(1500);
    const result = linkRecords(
      settings,
      left.map((person) => person.record),
      right.map((person) => person.record),
    );
    expect(result.mode).toBe('link');
    for (const pair of result.pairs) {
      expect(pair.a).toBeLessThan(1500);
      expect(pair.b).toBeGreaterThanOrEqual(1500);
    }
    const merges = result.pairs.filter((pair) => pair.decision === 'merge');
    const metrics = pairListMetrics(
      truth,
      merges.map((pair) => pair.a),
      merges.map((pair) => pair.b),
      { size: people.length, leftSize: 1500, mode: 'link' },
    );
    expect(metrics.precision).toBeGreaterThanOrEqual(0.99);
    expect(metrics.recall).toBeGreaterThanOrEqual(0.97);
  });

  it('decides by the thresholds: merge at or above the upper one, review between, nothing below', () => {
    const records = people.map((person) => person.record);
    const trained = linkRecords(settings, records).model;
    const strict = {
      ...trained,
      settings: { ...trained.settings, thresholds: { merge: 1 - 1e-12, review: 0.5 } },
    };
    const result = linkRecords(settings, records, undefined, { model: strict });
    expect(result.stats.review).toBeGreaterThan(0);
    for (const pair of result.pairs) {
      expect(pair.probability).toBeGreaterThanOrEqual(0.5);
      expect(pair.decision).toBe(pair.probability >= 1 - 1e-12 ? 'merge' : 'review');
    }
    // Review pairs do not join clusters.
    const reviewed = result.pairs.filter((pair) => pair.decision === 'review');
    const joined = reviewed.filter((pair) => result.clusterOf[pair.a] === result.clusterOf[pair.b]);
    expect(joined.length).toBeLessThan(reviewed.length);
  });

  it('merges nothing when the data has no duplicates', () => {
    const unique = syntheticPeople({ people: 1500, duplicates: 0, seed: 5 }).map((person) => person.record);
    const result = linkRecords(settings, unique);
    expect(result.model.training.identifiable).toBe(false);
    expect(result.stats.merged).toBe(0);
    expect(result.clusters).toEqual([]);
  });
});

describe('connectedComponents', () => {
  it('joins transitively and numbers clusters by their first record', () => {
    const clusters = connectedComponents(6, [4, 0, 1], [5, 1, 3]);
    expect(Array.from(clusters)).toEqual([0, 0, 1, 0, 2, 2]);
  });
});
