import { describe, expect, it } from 'vitest';
import { blankedFields, filledMarker, markerLayout } from '../../../src/sync/blank-marker.js';
import {
  assessBlast,
  emptyTally,
  guardCanTrip,
  noteBlanked,
  noteListChange,
} from '../../../src/sync/blast-guard.js';
import { blastGuardSchema } from '../../../src/sync/definition.js';

const layout = markerLayout(['FNAME', 'PLAN', 'ORDERS', 'VIP']);

describe('filled-field markers', () => {
  it('tell which fields went from a value to blank, and nothing else', () => {
    const before = filledMarker(layout, { FNAME: 'Ann', PLAN: 'pro', ORDERS: 0, VIP: false });
    expect(blankedFields(layout, before, { FNAME: 'Ann', PLAN: null, ORDERS: 3, VIP: '  ' })).toEqual([
      'PLAN',
      'VIP',
    ]);
    // 0 and false are values; a field that was already blank cannot be blanked.
    const sparse = filledMarker(layout, { FNAME: '', PLAN: 'pro', ORDERS: 0, VIP: null });
    expect(blankedFields(layout, sparse, { FNAME: null, PLAN: 'free', ORDERS: null, VIP: null })).toEqual([
      'ORDERS',
    ]);
  });

  it('ignore markers written under another layout or missing', () => {
    const other = markerLayout(['PLAN', 'FNAME', 'ORDERS', 'VIP']);
    const before = filledMarker(other, { FNAME: 'Ann', PLAN: 'pro', ORDERS: 1, VIP: true });
    expect(blankedFields(layout, before, { FNAME: null, PLAN: null, ORDERS: null, VIP: null })).toEqual([]);
    expect(blankedFields(layout, null, { FNAME: null, PLAN: null, ORDERS: null, VIP: null })).toEqual([]);
    expect(blankedFields(layout, 'garbage', { FNAME: null, PLAN: null, ORDERS: null, VIP: null })).toEqual(
      [],
    );
  });

  it('stay compact for wide mappings', () => {
    const wide = markerLayout(Array.from({ length: 70 }, (_, i) => `F${i}`));
    const fields = Object.fromEntries(wide.names.map((name) => [name, 'x']));
    const marker = filledMarker(wide, fields);
    expect(marker.length).toBeLessThan(32);
    expect(blankedFields(wide, marker, { ...fields, F69: null, F0: '' })).toEqual(['F0', 'F69']);
  });
});

describe('blast guard thresholds', () => {
  const settings = blastGuardSchema.parse({ minCount: 10 });

  it('trips on a share above the maximum only when the count reaches the minimum', () => {
    const tally = emptyTally(100);
    for (let i = 0; i < 21; i++) noteBlanked(tally, ['PLAN']);
    for (let i = 0; i < 20; i++) noteBlanked(tally, ['FNAME']);
    expect(assessBlast(tally, settings)).toEqual([
      { kind: 'blanked_field', name: 'PLAN', count: 21, of: 100, share: 0.21, maxShare: 0.2 },
    ]);
    const small = emptyTally(12);
    for (let i = 0; i < 9; i++) noteBlanked(small, ['PLAN']);
    expect(assessBlast(small, settings)).toEqual([]);
    expect(guardCanTrip(settings, 9)).toBe(false);
    expect(guardCanTrip(settings, 10)).toBe(true);
  });

  it('counts list removals against the list’s members the same way', () => {
    const tally = emptyTally(1000);
    noteListChange(tally, 'High value', { members: 200, removed: 30 });
    noteListChange(tally, 'High value', { members: 200, removed: 20 });
    noteListChange(tally, 'Newsletter', { members: 500, removed: 50 });
    expect(assessBlast(tally, settings)).toEqual([
      { kind: 'removed_from_list', name: 'High value', count: 50, of: 200, share: 0.25, maxShare: 0.2 },
    ]);
  });

  it('never trips when disabled', () => {
    const tally = emptyTally(100);
    for (let i = 0; i < 100; i++) noteBlanked(tally, ['PLAN']);
    expect(assessBlast(tally, blastGuardSchema.parse({ enabled: false }))).toEqual([]);
    expect(guardCanTrip(blastGuardSchema.parse({ enabled: false }), 1000)).toBe(false);
  });
});
