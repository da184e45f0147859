import { describe, expect, it } from 'vitest';
import { prepareBatch } from '../../../src/identity/deterministic/prepare.js';
import { planResolution } from '../../../src/identity/deterministic/resolver.js';
import {
  type GraphSnapshot,
  identityKey,
  type ResolutionInput,
} from '../../../src/identity/deterministic/types.js';
import type { NormalizedIdentifier } from '../../../src/identity/normalize.js';
import {
  IDENTIFIER_FAMILIES,
  type IdentifierType,
  identifierFamily,
  identitySettingsSchema,
} from '../../../src/identity/settings.js';
import { seededRandom } from '../../../src/lib/random.js';

/**
 * Random batches against a random stored graph: whatever the records, the plan must leave every
 * profile within its limits, keep stored identifiers on stored profiles, and put every record on
 * the profile that owns its identifiers unless a conflict says why not.
 */
const TYPES: IdentifierType[] = ['user_id', 'email', 'phone', 'anonymous_id', 'external:hub', 'external:crm'];

function scenario(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  const settings = identitySettingsSchema.parse({
    priority: [...IDENTIFIER_FAMILIES].sort(() => random() - 0.5).slice(0, 2 + int(4)),
    limits: {
      user_id: 1 + int(2),
      email: 1 + int(3),
      phone: 1 + int(3),
      anonymous_id: 1 + int(4),
      external: 1 + int(2),
    },
  });
  const pool = 4 + int(30);
  const identifier = (): NormalizedIdentifier => {
    const type = pick(TYPES);
    const value = random() < 0.03 ? 'null' : `${type}-${int(pool)}`;
    return { type, value, rawValue: value, valid: true };
  };

  // The stored graph: profiles within their limits, every identifier owned once.
  const storedOwner = new Map<string, string>();
  const storedCounts = new Map<string, Map<string, number>>();
  for (let p = 0; p < int(10); p++) {
    const id = `prof_s${p}`;
    const counts = new Map<string, number>();
    storedCounts.set(id, counts);
    for (let i = 0; i < 1 + int(4); i++) {
      const { type, value } = identifier();
      const key = identityKey(type, value);
      const family = identifierFamily(type);
      if (value === 'null' || storedOwner.has(key) || (counts.get(family) ?? 0) >= settings.limits[family])
        continue;
      storedOwner.set(key, id);
      counts.set(family, (counts.get(family) ?? 0) + 1);
    }
  }
  const inputs: ResolutionInput[] = Array.from({ length: 1 + int(50) }, (_, i) => ({
    identifiers: Array.from({ length: int(5) }, identifier),
    source: pick(['crm', 'web']),
    seenAt: new Date(Date.UTC(2026, 0, 1) + int(4) * 60_000),
    reference: `ref-${i}`,
  }));
  // What loadGraphSnapshot would return for the batch's keys.
  const batch = prepareBatch(inputs, settings);
  const snapshot: GraphSnapshot = { owners: new Map(), familyCounts: new Map(), blockedPairs: new Set() };
  for (const key of batch.keys) {
    const owner = storedOwner.get(key);
    if (owner === undefined) continue;
    snapshot.owners.set(key, owner);
    snapshot.familyCounts.set(owner, storedCounts.get(owner)!);
  }
  let n = 0;
  const plan = planResolution(batch, snapshot, settings, () => `prof_new${++n}`);
  return { settings, inputs, storedOwner, plan };
}

function checkInvariants({ settings, inputs, storedOwner, plan }: ReturnType<typeof scenario>) {
  const survivorOf = new Map(plan.merges.map((merge) => [merge.mergedId, merge.survivorId]));
  const live = (id: string) => survivorOf.get(id) ?? id;
  const owner = new Map<string, string>();
  for (const [key, id] of storedOwner) owner.set(key, live(id));

  // Merges fold stored profiles into final survivors; identities never move to new profiles.
  const storedProfiles = new Set(storedOwner.values());
  for (const merge of plan.merges) {
    expect(storedProfiles.has(merge.mergedId)).toBe(true);
    // Stored profiles outrank new ones, so a stored profile only ever folds into another stored one.
    expect(storedProfiles.has(merge.survivorId)).toBe(true);
    expect(survivorOf.has(merge.survivorId)).toBe(false);
  }
  for (const identity of plan.newIdentities) {
    expect(owner.has(identity.key)).toBe(false);
    owner.set(identity.key, identity.profileId);
  }
  for (const [key, id] of storedOwner) expect(owner.get(key)).toBe(live(id));
  for (const profile of plan.newProfiles) expect(survivorOf.has(profile.id)).toBe(false);

  // Every profile stays within its limits.
  const held = new Map<string, number>();
  for (const [key, id] of owner) {
    const family = identifierFamily(key.slice(0, key.indexOf('\u001f')) as IdentifierType);
    const k = `${id}|${family}`;
    held.set(k, (held.get(k) ?? 0) + 1);
    expect(held.get(k)).toBeLessThanOrEqual(settings.limits[family]);
  }

  // A record sits on the profile that owns each of its identifiers, unless a conflict explains it.
  const explained = new Set(plan.conflicts.map((c) => `${c.identifierType}\u001f${c.identifierValue}`));
  inputs.forEach((input, index) => {
    const profileId = plan.profileIds[index]!;
    expect(live(profileId)).toBe(profileId);
    for (const { type, value } of input.identifiers) {
      if (value === 'null') continue;
      const key = identityKey(type, value);
      if (owner.get(key) !== profileId) expect(explained.has(key)).toBe(true);
      if (storedOwner.has(key))
        expect(plan.seen.get(key)!.getTime()).toBeGreaterThanOrEqual(input.seenAt.getTime());
    }
  });
}

describe('deterministic resolution invariants', () => {
  it('holds on 400 random batches against random stored graphs', () => {
    let merges = 0;
    let conflicts = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const run = scenario(seed);
      checkInvariants(run);
      merges += run.plan.merges.length;
      conflicts += run.plan.conflicts.length;
    }
    // The scenarios exercise both paths, or the checks above prove little.
    expect(merges).toBeGreaterThan(20);
    expect(conflicts).toBeGreaterThan(50);
  });

  it('orders nothing by chance: the same batch plans the same way twice', () => {
    expect(scenario(7).plan).toEqual(scenario(7).plan);
  });
});
