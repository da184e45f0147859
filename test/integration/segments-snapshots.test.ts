import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT_SETTINGS } from '../../src/ingest/metrics.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { loadSnapshots } from '../../src/segments/engine/load-snapshots.js';
import { requirementsOf, type SegmentRule } from '../../src/segments/rules/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const rule = (property: string, value: unknown) =>
  ({ type: 'event', event: 'Thing Done', where: [{ property, op: 'eq', value }] }) as unknown as SegmentRule;

describe('snapshot loading', () => {
  it('reads only the event properties the rules use, with their JSON types', async () => {
    const [stored] = await ingest(t.deps, [
      {
        source: 'web',
        identifiers: { email: 'x@y.com' },
        observedAt: new Date('2026-01-02T00:00:00Z'),
        event: {
          messageId: 'e1',
          type: 'track',
          name: 'Thing Done',
          properties: {
            category: 'Shoes',
            flag: true,
            count: 3,
            tags: ['a', 'b'],
            nested: { size: 'L' },
            'dotted.key': 'literal',
            unused: 'x'.repeat(1000),
          },
        },
      },
    ]);
    const profileId = stored!.status === 'stored' ? stored!.profileId : '';
    const rules = ['category', 'flag', 'count', 'tags', 'nested.size', 'dotted.key', 'missing', 'nested'].map(
      (p) => rule(p, 1),
    );
    const [snapshot] = await loadSnapshots(
      t.deps,
      [profileId],
      requirementsOf(rules),
      new Date('2026-01-03T00:00:00Z').getTime(),
      DEFAULT_ENGAGEMENT_SETTINGS,
    );
    expect(snapshot!.events).toHaveLength(1);
    expect(snapshot!.events[0]!.properties).toEqual({
      category: 'Shoes',
      flag: true,
      count: 3,
      tags: ['a', 'b'],
      'nested.size': 'L',
      'dotted.key': 'literal',
      nested: { size: 'L' },
    });
  });

  it('leaves out merged and unknown profiles', async () => {
    const snapshots = await loadSnapshots(
      t.deps,
      ['prof_nope'],
      requirementsOf([rule('a', 1)]),
      Date.now(),
      DEFAULT_ENGAGEMENT_SETTINGS,
    );
    expect(snapshots).toEqual([]);
  });
});
