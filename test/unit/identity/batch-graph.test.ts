import { describe, expect, it } from 'vitest';
import {
  BatchGraph,
  familyIndex,
  familyLimits,
  familyRanks,
  LIMITED_FAMILIES,
  OTHER_FAMILY,
} from '../../../src/identity/deterministic/batch-graph.js';
import { identitySettingsSchema } from '../../../src/identity/settings.js';

describe('identifier families', () => {
  it('indexes each family at its place in LIMITED_FAMILIES, external namespaces as one', () => {
    expect(LIMITED_FAMILIES.map(familyIndex)).toEqual(LIMITED_FAMILIES.map((_, index) => index));
    expect(familyIndex('external:hubspot')).toBe(LIMITED_FAMILIES.indexOf('external'));
    expect(familyIndex('fax')).toBe(OTHER_FAMILY);
  });

  it('reads limits and priority ranks from the settings; unknown families are unlimited and last', () => {
    const settings = identitySettingsSchema.parse({
      priority: ['email', 'user_id'],
      limits: { email: 2, user_id: 1, phone: 3, anonymous_id: 9, external: 4 },
    });
    expect(familyLimits(settings)).toEqual([1, 2, 3, 9, 4, Number.POSITIVE_INFINITY]);
    // Families missing from `priority` rank after the listed ones, all equally.
    expect(familyRanks(settings)).toEqual([1, 0, 2, 2, 2, 2]);
  });
});

describe('batch graph', () => {
  it('joins profiles, summing their counts at the survivor', () => {
    const graph = new BatchGraph(3);
    const a = graph.addStored('prof_a');
    const b = graph.addNew('prof_b');
    const c = graph.addNew('prof_c');
    graph.addCount(a, familyIndex('email'), 2);
    graph.addCount(b, familyIndex('email'));
    graph.addCount(c, familyIndex('phone'));
    graph.merge(b, c);
    graph.merge(a, b);
    expect([graph.find(a), graph.find(b), graph.find(c)]).toEqual([a, a, a]);
    expect(graph.count(a, familyIndex('email'))).toBe(3);
    expect(graph.count(a, familyIndex('phone'))).toBe(1);
    expect(graph.isStored(a)).toBe(true);
    expect(graph.isStored(c)).toBe(false);
    expect(graph.ids).toEqual(['prof_a', 'prof_b', 'prof_c']);
  });

  it('reports the first family, in LIMITED_FAMILIES order, that a join would take over its limit', () => {
    const graph = new BatchGraph(2);
    const a = graph.addStored('prof_a');
    const b = graph.addStored('prof_b');
    const limits = [1, 5, 1, 10, 1, Number.POSITIVE_INFINITY];
    graph.addCount(a, familyIndex('phone'));
    graph.addCount(b, familyIndex('phone'));
    expect(graph.exceededOnJoin(a, b, limits)).toBe(familyIndex('phone'));
    graph.addCount(a, familyIndex('user_id'));
    graph.addCount(b, familyIndex('user_id'));
    expect(graph.exceededOnJoin(a, b, limits)).toBe(familyIndex('user_id'));
    expect(graph.exceededOnJoin(a, b, [9, 9, 9, 9, 9, Number.POSITIVE_INFINITY])).toBe(-1);
  });

  it('never counts identifiers of unknown families', () => {
    const graph = new BatchGraph(1);
    const a = graph.addNew('prof_a');
    graph.addCount(a, OTHER_FAMILY, 7);
    expect(graph.count(a, OTHER_FAMILY)).toBe(0);
  });

  it('refuses a stored profile after a new one (stored nodes come first)', () => {
    const graph = new BatchGraph(2);
    graph.addNew('prof_new');
    expect(() => graph.addStored('prof_old')).toThrow();
  });
});
