import { describe, expect, it } from 'vitest';
import { ProductSlot } from '../../../src/services/personalize/product-slots.js';
import { ProfileIndex } from '../../../src/services/personalize/serving-index/profile-index.js';
import { servedProfile } from './served-profile-fixture.js';

const profile = (id: string, firstName: string) =>
  servedProfile(id, {
    firstName,
    items: [new ProductSlot('p1'), new ProductSlot('p2')],
    level: 'personal',
    confidence: 0.8,
  });
const byKey = (key: string) => ({ byId: false, key });
const byId = (key: string) => ({ byId: true, key });

describe('ProfileIndex', () => {
  it('finds a profile by each of its keys and by its id, and replaces it whole', () => {
    const index = new ProfileIndex();
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
      const index = new ProfileIndex();
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

  it('shares equal strings between profiles', () => {
    const index = new ProfileIndex();
    const a = index.intern(['Cham', 'pions'].join(''));
    const b = index.intern(['Champ', 'ions'].join(''));
    expect(a).toBe(b);
  });
});
