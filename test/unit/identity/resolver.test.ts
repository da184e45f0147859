import { describe, expect, it } from 'vitest';
import { prepareBatch } from '../../../src/identity/deterministic/prepare.js';
import { planResolution as planPrepared } from '../../../src/identity/deterministic/resolver.js';
import { type GraphSnapshot, identityKey } from '../../../src/identity/deterministic/types.js';
import { type IdentifierInput, normalizeIdentifiers } from '../../../src/identity/normalize.js';
import {
  DEFAULT_IDENTITY_SETTINGS,
  type IdentitySettings,
  identitySettingsSchema,
} from '../../../src/identity/settings.js';

const at = new Date('2026-01-01T00:00:00Z');
const input = (ids: IdentifierInput, settings = DEFAULT_IDENTITY_SETTINGS) => ({
  identifiers: normalizeIdentifiers(ids, settings),
  source: 'test',
  seenAt: at,
});
const planResolution = (
  inputs: ReturnType<typeof input>[],
  snapshot: GraphSnapshot,
  settings: IdentitySettings,
  newProfileId: () => string,
) => planPrepared(prepareBatch(inputs, settings), snapshot, settings, newProfileId);
const empty = (): GraphSnapshot => ({ owners: new Map(), familyCounts: new Map(), blockedPairs: new Set() });
const counter = () => {
  let n = 0;
  return () => `prof_new${++n}`;
};

describe('deterministic resolution', () => {
  it('joins records that share an identifier into one new profile', () => {
    const plan = planResolution(
      [
        input({ email: 'Ann@Example.com' }),
        input({ email: 'ann@example.com ', userId: 'u1' }),
        input({ email: 'bob@example.com' }),
      ],
      empty(),
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.profileIds).toEqual(['prof_new1', 'prof_new1', 'prof_new2']);
    expect(plan.newProfiles.map((p) => p.id)).toEqual(['prof_new1', 'prof_new2']);
    expect(plan.newIdentities.map((i) => [i.type, i.value, i.profileId])).toEqual([
      ['email', 'ann@example.com', 'prof_new1'],
      ['user_id', 'u1', 'prof_new1'],
      ['email', 'bob@example.com', 'prof_new2'],
    ]);
    expect(plan.merges).toEqual([]);
  });

  it('merges two stored profiles that a record ties together, with the evidence', () => {
    const snapshot = empty();
    snapshot.owners.set(identityKey('user_id', 'u1'), 'prof_a');
    snapshot.owners.set(identityKey('email', 'ann@example.com'), 'prof_b');
    snapshot.familyCounts.set('prof_a', new Map([['user_id', 1]]));
    snapshot.familyCounts.set('prof_b', new Map([['email', 1]]));
    const plan = planResolution(
      [input({ userId: 'u1', email: 'ann@example.com' })],
      snapshot,
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.profileIds).toEqual(['prof_a']);
    expect(plan.merges).toEqual([
      {
        survivorId: 'prof_a',
        mergedId: 'prof_b',
        evidence: {
          rule: 'shared_identifier',
          survivorIdentifier: { type: 'user_id', value: 'u1' },
          mergedIdentifier: { type: 'email', value: 'ann@example.com' },
          source: 'test',
        },
      },
    ]);
    expect(plan.newProfiles).toEqual([]);
  });

  it('refuses a merge that would give a profile two user ids, recording a conflict', () => {
    const snapshot = empty();
    snapshot.owners.set(identityKey('user_id', 'u1'), 'prof_a');
    snapshot.owners.set(identityKey('user_id', 'u2'), 'prof_b');
    snapshot.owners.set(identityKey('email', 'shared@example.com'), 'prof_b');
    snapshot.familyCounts.set('prof_a', new Map([['user_id', 1]]));
    snapshot.familyCounts.set(
      'prof_b',
      new Map([
        ['user_id', 1],
        ['email', 1],
      ]),
    );
    const plan = planResolution(
      [input({ userId: 'u1', email: 'shared@example.com' })],
      snapshot,
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.merges).toEqual([]);
    expect(plan.profileIds).toEqual(['prof_a']);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({ kind: 'limit', profileIds: ['prof_a', 'prof_b'], identifierType: 'email' }),
    ]);
  });

  it('does not attach an identifier past the per-type limit', () => {
    const settings = identitySettingsSchema.parse({
      limits: { email: 1, user_id: 1, phone: 5, anonymous_id: 10, external: 1 },
    });
    const plan = planResolution(
      [
        input({ userId: 'u1', email: 'a@example.com' }, settings),
        input({ userId: 'u1', email: 'b@example.com' }, settings),
      ],
      empty(),
      settings,
      counter(),
    );
    expect(plan.profileIds).toEqual(['prof_new1', 'prof_new1']);
    expect(plan.newIdentities.map((i) => i.value)).toEqual(['u1', 'a@example.com']);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({ kind: 'limit', identifierValue: 'b@example.com' }),
    ]);
  });

  it('ignores blocked placeholder values for joining', () => {
    const plan = planResolution(
      [
        input({ email: 'test@test.com', userId: 'u1' }),
        input({ email: 'test@test.com', userId: 'u2' }),
        input({ phone: '000-000' }),
      ],
      empty(),
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(new Set(plan.profileIds).size).toBe(3);
    expect(plan.blocked.map((b) => b.value)).toEqual(['test@test.com', 'test@test.com', '000000']);
  });

  it('never merges a pair an admin split apart', () => {
    const snapshot = empty();
    snapshot.owners.set(identityKey('email', 'a@example.com'), 'prof_a');
    snapshot.owners.set(identityKey('phone', '+14155550100'), 'prof_b');
    snapshot.familyCounts.set('prof_a', new Map([['email', 1]]));
    snapshot.familyCounts.set('prof_b', new Map([['phone', 1]]));
    snapshot.blockedPairs.add('prof_a|prof_b');
    const plan = planResolution(
      [input({ email: 'a@example.com', phone: '+1 415 555 0100' })],
      snapshot,
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.merges).toEqual([]);
    expect(plan.conflicts[0]).toMatchObject({ kind: 'blocked_pair' });
  });

  it('keeps a stored profile as survivor over one created in the same batch', () => {
    const snapshot = empty();
    snapshot.owners.set(identityKey('user_id', 'u9'), 'prof_old');
    snapshot.familyCounts.set('prof_old', new Map([['user_id', 1]]));
    const plan = planResolution(
      [
        input({ email: 'x@example.com' }),
        input({ anonymousId: 'anon-1', email: 'x@example.com', userId: 'u9' }),
      ],
      snapshot,
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.profileIds).toEqual(['prof_old', 'prof_old']);
    expect(plan.newProfiles).toEqual([]);
    expect(plan.merges).toEqual([]);
    expect(plan.newIdentities.every((i) => i.profileId === 'prof_old')).toBe(true);
  });

  it('records when stored identifiers were seen again', () => {
    const snapshot = empty();
    snapshot.owners.set(identityKey('email', 'a@example.com'), 'prof_a');
    const plan = planResolution(
      [input({ email: 'a@example.com' })],
      snapshot,
      DEFAULT_IDENTITY_SETTINGS,
      counter(),
    );
    expect(plan.seen.get(identityKey('email', 'a@example.com'))).toEqual(at);
  });
});
