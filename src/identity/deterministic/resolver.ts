import {
  type IdentifierType,
  type IdentitySettings,
  identifierFamily,
  isBlockedValue,
  limitFor,
  priorityOf,
} from '../settings.js';
import {
  type GraphSnapshot,
  identityKey,
  type PlannedConflict,
  type PlannedMerge,
  pairKey,
  type ResolutionInput,
  type ResolutionPlan,
} from './types.js';

/**
 * Deterministic identity resolution for one batch, in memory: records that share an identifier
 * join one profile. Pure: the caller fetches a snapshot of the stored graph for the batch's keys,
 * this plans new profiles, identities, merges and conflicts, and the caller writes the plan.
 *
 * Per record, identifiers are taken in priority order. The owner of the best identifier is the
 * anchor; other owners merge into it unless a per-family limit would break or an admin blocked the
 * pair (then a conflict is recorded and they stay apart); unowned identifiers attach to the anchor
 * within limits. Existing profiles outrank profiles created in this batch as survivors, so stored
 * ids stay stable and a profile born and absorbed within one batch never shows up at all.
 */
export function planResolution(
  inputs: ResolutionInput[],
  snapshot: GraphSnapshot,
  settings: IdentitySettings,
  newProfileId: () => string,
): ResolutionPlan {
  const state = new BatchState(snapshot);
  const plan: ResolutionPlan = {
    profileIds: [],
    newProfiles: [],
    newIdentities: [],
    seen: new Map(),
    merges: [],
    conflicts: [],
    blocked: [],
  };
  const recordProfiles: string[] = [];

  inputs.forEach((input, index) => {
    const usable = [];
    for (const identifier of input.identifiers) {
      if (isBlockedValue(settings, identifier.value))
        plan.blocked.push({ index, type: identifier.type, value: identifier.value });
      else usable.push(identifier);
    }
    if (usable.length > 1) usable.sort((a, b) => priorityOf(settings, a.type) - priorityOf(settings, b.type));
    // Built once per identifier: every map below is keyed by it.
    const keys = usable.map((identifier) => identityKey(identifier.type, identifier.value));

    let anchor: string | undefined;
    let anchorIdentifier: (typeof usable)[number] | undefined;
    for (let i = 0; i < usable.length; i++) {
      const identifier = usable[i]!;
      const key = keys[i]!;
      const owner = state.ownerOf(key);
      if (owner === undefined) continue;
      if (state.isStored(key)) plan.seen.set(key, laterOf(plan.seen.get(key), input.seenAt));
      if (anchor === undefined) {
        anchor = owner;
        anchorIdentifier = identifier;
        continue;
      }
      if (owner === anchor) continue;
      const [survivor, merged] = state.survivorOrder(anchor, owner);
      const refusal = state.mergeRefusal(survivor, merged, settings);
      if (refusal) {
        plan.conflicts.push({
          kind: refusal.kind,
          profileIds: [anchor, owner],
          identifierType: identifier.type,
          identifierValue: identifier.value,
          detail: refusal.detail,
        });
        continue;
      }
      state.merge(survivor, merged);
      if (state.isStoredProfile(merged)) {
        const survivorSide = survivor === anchor ? anchorIdentifier! : identifier;
        const mergedSide = survivor === anchor ? identifier : anchorIdentifier!;
        plan.merges.push({
          survivorId: survivor,
          mergedId: merged,
          evidence: {
            rule: 'shared_identifier',
            survivorIdentifier: { type: survivorSide.type, value: survivorSide.value },
            mergedIdentifier: { type: mergedSide.type, value: mergedSide.value },
            source: input.source,
            ...(input.reference === undefined ? {} : { reference: input.reference }),
          },
        });
      }
      if (survivor !== anchor) anchorIdentifier = identifier;
      anchor = survivor;
    }

    if (anchor === undefined) {
      anchor = newProfileId();
      state.addNewProfile(anchor);
      plan.newProfiles.push({ id: anchor, createdAt: input.seenAt });
    }

    for (let i = 0; i < usable.length; i++) {
      const identifier = usable[i]!;
      const key = keys[i]!;
      if (state.ownerOf(key) !== undefined) continue;
      if (state.count(anchor, identifier.type) + 1 > limitFor(settings, identifier.type)) {
        plan.conflicts.push({
          kind: 'limit',
          profileIds: [anchor],
          identifierType: identifier.type,
          identifierValue: identifier.value,
          detail: `profile already holds ${limitFor(settings, identifier.type)} ${identifierFamily(identifier.type)} identifier(s); not attached`,
        });
        continue;
      }
      state.attach(key, anchor, identifier.type);
      plan.newIdentities.push({
        ...identifier,
        key,
        profileId: anchor,
        source: input.source,
        seenAt: input.seenAt,
      });
    }
    recordProfiles.push(anchor);
  });

  // Late merges in the batch move earlier records and identities to their final survivor.
  plan.profileIds = recordProfiles.map((id) => state.find(id));
  for (const identity of plan.newIdentities) identity.profileId = state.find(identity.profileId);
  plan.newProfiles = plan.newProfiles.filter((profile) => state.find(profile.id) === profile.id);
  plan.merges = finalizeMerges(plan.merges, state);
  plan.conflicts = dedupeConflicts(plan.conflicts, state);
  return plan;
}

function laterOf(current: Date | undefined, next: Date): Date {
  return current && current >= next ? current : next;
}

/** A chain a→b, b→c in one batch is logged against the final survivor, so every row is undoable. */
function finalizeMerges(merges: PlannedMerge[], state: BatchState): PlannedMerge[] {
  return merges.map((merge) => ({ ...merge, survivorId: state.find(merge.survivorId) }));
}

function dedupeConflicts(conflicts: PlannedConflict[], state: BatchState): PlannedConflict[] {
  const seen = new Set<string>();
  const out: PlannedConflict[] = [];
  for (const conflict of conflicts) {
    const profileIds = [...new Set(conflict.profileIds.map((id) => state.find(id)))].sort();
    const key = `${conflict.kind}|${profileIds.join(',')}|${conflict.identifierType}|${conflict.identifierValue}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...conflict, profileIds });
  }
  return out;
}

/** The graph as it stands mid-batch: stored owners plus this batch's attachments and merges. */
class BatchState {
  private readonly owners: Map<string, string>;
  private readonly storedKeys: Set<string>;
  private readonly storedProfiles: Set<string>;
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly parent = new Map<string, string>();

  constructor(private readonly snapshot: GraphSnapshot) {
    this.owners = new Map(snapshot.owners);
    this.storedKeys = new Set(snapshot.owners.keys());
    this.storedProfiles = new Set(snapshot.owners.values());
    for (const [profile, families] of snapshot.familyCounts) this.counts.set(profile, new Map(families));
  }

  find(id: string): string {
    let root = id;
    for (let next = this.parent.get(root); next !== undefined; next = this.parent.get(root)) root = next;
    // Path compression keeps long in-batch chains cheap.
    for (let node = id; node !== root; ) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  ownerOf(key: string): string | undefined {
    const owner = this.owners.get(key);
    return owner === undefined ? undefined : this.find(owner);
  }

  isStored(key: string): boolean {
    return this.storedKeys.has(key);
  }

  isStoredProfile(id: string): boolean {
    return this.storedProfiles.has(id);
  }

  count(profile: string, type: IdentifierType | string): number {
    return this.counts.get(this.find(profile))?.get(identifierFamily(type as IdentifierType)) ?? 0;
  }

  /** Stored profiles survive over new ones; among stored ones the anchor (best identifier) wins. */
  survivorOrder(anchor: string, other: string): [survivor: string, merged: string] {
    const anchorStored = this.storedProfiles.has(anchor);
    const otherStored = this.storedProfiles.has(other);
    if (!anchorStored && otherStored) return [other, anchor];
    return [anchor, other];
  }

  mergeRefusal(
    survivor: string,
    merged: string,
    settings: IdentitySettings,
  ): { kind: PlannedConflict['kind']; detail: string } | null {
    if (this.snapshot.blockedPairs.has(pairKey(survivor, merged))) {
      return {
        kind: 'blocked_pair',
        detail: 'an admin split these profiles apart; not merged again automatically',
      };
    }
    const a = this.counts.get(survivor) ?? new Map<string, number>();
    const b = this.counts.get(merged) ?? new Map<string, number>();
    for (const family of new Set([...a.keys(), ...b.keys()])) {
      const total = (a.get(family) ?? 0) + (b.get(family) ?? 0);
      const limit = settings.limits[family as keyof IdentitySettings['limits']] ?? Number.POSITIVE_INFINITY;
      if (total > limit) {
        return {
          kind: 'limit',
          detail: `merging would give one profile ${total} ${family} identifiers (limit ${limit})`,
        };
      }
    }
    return null;
  }

  merge(survivor: string, merged: string): void {
    this.parent.set(merged, survivor);
    const into = this.counts.get(survivor) ?? new Map<string, number>();
    for (const [family, n] of this.counts.get(merged) ?? []) into.set(family, (into.get(family) ?? 0) + n);
    this.counts.set(survivor, into);
    this.counts.delete(merged);
  }

  addNewProfile(id: string): void {
    this.counts.set(id, new Map());
  }

  attach(key: string, profile: string, type: IdentifierType): void {
    this.owners.set(key, profile);
    const families = this.counts.get(profile) ?? new Map<string, number>();
    const family = identifierFamily(type);
    families.set(family, (families.get(family) ?? 0) + 1);
    this.counts.set(profile, families);
  }
}
