import { describe, expect, it } from 'vitest';
import { ProductSlots } from '../../../src/services/personalize/product-slots.js';
import type { ServedProfile } from '../../../src/services/personalize/served-profile.js';
import { KeyTable } from '../../../src/services/personalize/serving-index/key-table.js';
import { ProfileIndex } from '../../../src/services/personalize/serving-index/profile-index.js';
import { servedProfile } from './served-profile-fixture.js';

const slots = new ProductSlots(1_000);
const profile = (id: string, firstName: string, fields: Partial<ServedProfile> = {}) =>
  servedProfile(id, {
    firstName,
    items: [slots.slot('p1'), slots.slot('p2')],
    level: 'personal',
    confidence: 0.8,
    ...fields,
  });
const byKey = (key: string) => ({ byId: false, key });
const byId = (key: string) => ({ byId: true, key });

describe('ProfileIndex', () => {
  it('finds a profile by each of its keys and by its id, and replaces it whole', () => {
    const index = new ProfileIndex(slots);
    index.put(profile('prof_a', 'Ann'), ['email\u001fann@x', 'user_id\u001fu1']);
    expect(index.get(byKey('user_id\u001fu1'))?.firstName).toBe('Ann');
    expect(index.get(byId('prof_a'))?.firstName).toBe('Ann');
    // The profile lost a key: the old key no longer leads anywhere.
    index.put(profile('prof_a', 'Anna'), ['email\u001fann@x']);
    expect(index.get(byKey('email\u001fann@x'))?.firstName).toBe('Anna');
    expect(index.get(byKey('user_id\u001fu1'))).toBeUndefined();
    expect([index.profiles, index.keys]).toEqual([1, 1]);
    expect(index.get(byKey('prof_a'))).toBeUndefined();
  });

  it('keeps a key with the survivor of a merge whichever profile is evicted last', () => {
    for (const order of ['survivor first', 'loser first'] as const) {
      const index = new ProfileIndex(slots);
      index.put(profile('prof_a', 'Ann'), ['email\u001fa@x']);
      index.put(profile('prof_b', 'Bo'), ['email\u001fb@x']);
      // b merged into a: both evicted, then a held again with both keys.
      if (order === 'loser first') index.evict('prof_b');
      index.evict('prof_a');
      index.put(profile('prof_a', 'Ann'), ['email\u001fa@x', 'email\u001fb@x']);
      index.evict('prof_b');
      expect(index.get(byKey('email\u001fb@x'))?.id, order).toBe('prof_a');
      expect(index.get(byId('prof_b')), order).toBeUndefined();
      expect([index.profiles, index.keys], order).toEqual([1, 2]);
    }
  });

  it('gives back every field as put: nulls, numbers, non-ASCII text, the cart, the same product slots', () => {
    const index = new ProfileIndex(slots);
    const full = profile('prof_ü', 'Zoë', {
      lastName: '王',
      level: 'segment',
      confidence: 0.123456789,
      rfmGroup: 'champions',
      clvTier: 'high',
      clusterId: 'c7',
      clusterLabel: 'Runners',
      aov: 42.5,
      lastViewedCategory: 'shoes',
      cart: '[{"productId":"p9","quantity":2}]',
      cartItems: 1,
      segments: 'seg_a\u001fseg_b',
    });
    const bare = servedProfile('prof_bare');
    const noneYet = profile('prof_empty', 'E', { items: [], aov: 0 });
    index.put(full, ['email\u001fzoë@example.com']);
    index.put(bare, []);
    index.put(noneYet, ['phone\u001f+4915112345678']);
    expect(index.get(byKey('email\u001fzoë@example.com'))).toEqual(full);
    expect(index.get(byId('prof_bare'))).toEqual(bare);
    expect(index.get(byKey('phone\u001f+4915112345678'))).toEqual(noneYet);
    const [first] = index.get(byId('prof_ü'))?.items ?? [];
    expect(first).toBe(slots.slot('p1'));
  });

  it('shares the texts profiles repeat, so a send gets one string', () => {
    const index = new ProfileIndex(slots);
    index.put(profile('prof_a', 'A', { rfmGroup: ['Cham', 'pions'].join('') }), []);
    index.put(profile('prof_b', 'B', { rfmGroup: ['Champ', 'ions'].join('') }), []);
    expect(index.get(byId('prof_a'))?.rfmGroup).toBe(index.get(byId('prof_b'))?.rfmGroup);
  });

  it('holds thousands of profiles through growth, evictions and compaction, answering the latest of each', () => {
    const index = new ProfileIndex(slots, { chunkBits: 16 });
    const count = 3_000;
    const put = (i: number, round: number, keys = [`email\u001fu${i}@x`, `user_id\u001f${i}`]) =>
      index.put(profile(`prof_${i}`, `Name ${i} r${round}`, { confidence: round }), keys);
    for (let round = 0; round < 3; round++) for (let i = 0; i < count; i++) put(i, round);
    for (let i = 0; i < count; i += 2) index.evict(`prof_${i}`);
    // prof_1 takes over prof_3's email (a merge applied in the other order): it stays with prof_1.
    put(1, 2, ['email\u001fu1@x', 'user_id\u001f1', 'email\u001fu3@x']);
    const before = index.bytes;
    let steps = 0;
    while (index.compactStep()) steps++;
    expect(steps).toBeGreaterThan(10);
    expect(index.compactions).toBe(steps);
    expect(index.bytes).toBeLessThan(before);
    expect([index.profiles, index.keys]).toEqual([count / 2, count]);
    for (let i = 0; i < count; i++) {
      const held = index.get(byKey(`email\u001fu${i}@x`));
      if (i % 2 === 0) expect(held).toBeUndefined();
      else if (i === 3) expect(held?.id).toBe('prof_1');
      else expect([held?.id, held?.firstName, held?.confidence]).toEqual([`prof_${i}`, `Name ${i} r2`, 2]);
      if (i % 2 === 1) expect(index.get(byKey(`user_id\u001f${i}`))?.id).toBe(`prof_${i}`);
    }
    // Evicting prof_3 later leaves the email it lost with prof_1.
    index.evict('prof_3');
    expect(index.get(byKey('email\u001fu3@x'))?.id).toBe('prof_1');
  });

  it('lets go of a profile too large for a chunk, so its sends read the database', () => {
    const index = new ProfileIndex(slots, { chunkBits: 12 });
    index.put(profile('prof_big', 'Big'), ['email\u001fbig@x']);
    index.put(profile('prof_big', 'Big', { cart: 'x'.repeat(5_000), cartItems: 1 }), ['email\u001fbig@x']);
    expect(index.get(byKey('email\u001fbig@x'))).toBeUndefined();
    expect([index.profiles, index.keys, index.tooLarge]).toEqual([0, 0, 1]);
    index.put(profile('prof_small', 'Small'), ['email\u001fsmall@x']);
    expect(index.get(byKey('email\u001fsmall@x'))?.firstName).toBe('Small');
  });

  it('stores a level it does not know as none, and keeps that profile through compaction', () => {
    const index = new ProfileIndex(slots, { chunkBits: 12 });
    const odd = profile('prof_odd', 'Odd', { level: 'cluster' as ServedProfile['level'] });
    index.put(odd, ['email\u001fodd@x']);
    for (let i = 0; i < 200; i++) index.put(profile('prof_churn', `C${i}`), ['email\u001fchurn@x']);
    while (index.compactStep());
    expect(index.compactions).toBeGreaterThan(0);
    expect(index.get(byKey('email\u001fodd@x'))).toEqual({ ...odd, level: null });
  });

  it('finds keys longer than its scratch space', () => {
    const index = new ProfileIndex(slots);
    const key = `external:crm\u001f${'x'.repeat(5_000)}`;
    index.put(profile('prof_long', 'L'), [key]);
    expect(index.get(byKey(key))?.id).toBe('prof_long');
    expect(index.get(byKey(`${key}y`))).toBeUndefined();
  });
});

describe('KeyTable', () => {
  const always = { matches: () => true };

  it('tells apart entries with one hash through the matcher, and reuses removed entries', () => {
    const table = new KeyTable(16);
    table.insert(7, 100);
    table.insert(7, 200);
    expect(table.find(7, { matches: (address) => address === 200 })).toBe(200);
    expect(table.find(7, { matches: () => false })).toBe(-1);
    expect(table.remove(7, 100)).toBe(true);
    expect(table.remove(7, 100)).toBe(false);
    expect(table.find(7, always)).toBe(200);
    expect(table.size).toBe(1);
  });

  it('grows past its first size and keeps hashes 0 and 1 apart from its markers', () => {
    const table = new KeyTable(16);
    for (let i = 0; i < 1_000; i++) table.insert(i, i + 10);
    for (let i = 0; i < 1_000; i++) {
      expect(table.find(i, { matches: (address) => address === i + 10 })).toBe(i + 10);
    }
    for (let i = 0; i < 1_000; i++) table.remove(i, i + 10);
    expect(table.size).toBe(0);
    // Removals then inserts: rehashed in place rather than growing without end.
    const grown = table.byteLength;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1_000; i++) table.insert(i, i);
      for (let i = 0; i < 1_000; i++) table.remove(i, i);
    }
    expect(table.byteLength).toBe(grown);
  });
});
