import type { IdentitySettings } from '../settings.js';
import { BatchGraph, familyIndex, familyLimits, LIMITED_FAMILIES, OTHER_FAMILY } from './batch-graph.js';
import type { PreparedBatch } from './prepare.js';
import {
  type GraphSnapshot,
  type PlannedConflict,
  type PlannedIdentity,
  type PlannedMerge,
  pairKey,
  type ResolutionPlan,
} from './types.js';

/**
 * Deterministic identity resolution for one batch, in memory: records that share an identifier
 * join one profile. Pure: the caller prepares the batch (prepare.ts), fetches a snapshot of the
 * stored graph for its keys, this plans new profiles, identities, merges and conflicts, and the
 * caller writes the plan.
 *
 * Per record, identifiers are taken in priority order. The owner of the best identifier is the
 * anchor; other owners merge into it unless a per-family limit would break or an admin blocked the
 * pair (then a conflict is recorded and they stay apart); unowned identifiers attach to the anchor
 * within limits. Existing profiles outrank profiles created in this batch as survivors, so stored
 * ids stay stable and a profile born and absorbed within one batch never shows up at all.
 */
export function planResolution(
  batch: PreparedBatch,
  snapshot: GraphSnapshot,
  settings: IdentitySettings,
  newProfileId: () => string,
): ResolutionPlan {
  const { inputs, keys, start, slot, family, identifier } = batch;
  const limits = familyLimits(settings);
  const graph = new BatchGraph(countOwners(snapshot) + inputs.length);
  // Owner node per key slot (-1: unowned), and whether that owner came from the stored graph.
  const owner = new Int32Array(keys.length).fill(-1);
  const storedKey = new Uint8Array(keys.length);
  loadSnapshot(batch, snapshot, graph, owner, storedKey);

  const seen = new Map<string, Date>();
  const newProfileNodes: number[] = [];
  const merges: Array<{ survivor: number; merge: PlannedMerge }> = [];
  const conflicts: Array<{ nodes: number[]; conflict: PlannedConflict }> = [];
  // Attached entries and their profile node, resolved to final survivors at the end.
  const attachedEntries: number[] = [];
  const attachedNodes: number[] = [];
  const attachedRecords: number[] = [];
  const newProfileRecords: number[] = [];
  const recordNodes = new Int32Array(inputs.length);

  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index]!;
    const first = start[index]!;
    const end = start[index + 1]!;

    let anchor = -1;
    let anchorEntry = -1;
    for (let entry = first; entry < end; entry++) {
      const keySlot = slot[entry]!;
      if (owner[keySlot]! < 0) continue;
      const root = graph.find(owner[keySlot]!);
      if (storedKey[keySlot] === 1) {
        const key = keys[keySlot]!;
        const previous = seen.get(key);
        if (!previous || previous < input.seenAt) seen.set(key, input.seenAt);
      }
      if (anchor < 0) {
        anchor = root;
        anchorEntry = entry;
        continue;
      }
      if (root === anchor) continue;
      // Stored profiles survive over new ones; among stored ones the anchor (best identifier) wins.
      const anchorSurvives = graph.isStored(anchor) || !graph.isStored(root);
      const survivor = anchorSurvives ? anchor : root;
      const merged = anchorSurvives ? root : anchor;
      const refusal = mergeRefusal(graph, survivor, merged, snapshot, limits);
      if (refusal) {
        const { type, value } = identifier[entry]!;
        conflicts.push({
          nodes: [anchor, root],
          conflict: {
            kind: refusal.kind,
            profileIds: [],
            identifierType: type,
            identifierValue: value,
            detail: refusal.detail,
          },
        });
        continue;
      }
      graph.merge(survivor, merged);
      if (graph.isStored(merged)) {
        const survivorSide = identifier[anchorSurvives ? anchorEntry : entry]!;
        const mergedSide = identifier[anchorSurvives ? entry : anchorEntry]!;
        merges.push({
          survivor,
          merge: {
            survivorId: graph.ids[survivor]!,
            mergedId: graph.ids[merged]!,
            evidence: {
              rule: 'shared_identifier',
              survivorIdentifier: { type: survivorSide.type, value: survivorSide.value },
              mergedIdentifier: { type: mergedSide.type, value: mergedSide.value },
              source: input.source,
              ...(input.reference === undefined ? {} : { reference: input.reference }),
            },
          },
        });
      }
      if (!anchorSurvives) anchorEntry = entry;
      anchor = survivor;
    }

    if (anchor < 0) {
      anchor = graph.addNew(newProfileId());
      newProfileNodes.push(anchor);
      newProfileRecords.push(index);
    }

    for (let entry = first; entry < end; entry++) {
      const keySlot = slot[entry]!;
      if (owner[keySlot]! >= 0) continue;
      const f = family[entry]!;
      if (graph.count(anchor, f) + 1 > limits[f]!) {
        const { type, value } = identifier[entry]!;
        conflicts.push({
          nodes: [anchor],
          conflict: {
            kind: 'limit',
            profileIds: [],
            identifierType: type,
            identifierValue: value,
            detail: `profile already holds ${limits[f]} ${LIMITED_FAMILIES[f]} identifier(s); not attached`,
          },
        });
        continue;
      }
      owner[keySlot] = anchor;
      graph.addCount(anchor, f);
      attachedEntries.push(entry);
      attachedNodes.push(anchor);
      attachedRecords.push(index);
    }
    recordNodes[index] = anchor;
  }

  // Late merges in the batch move earlier records and identities to their final survivor.
  const ids = graph.ids;
  const profileIds: string[] = new Array(inputs.length);
  for (let index = 0; index < inputs.length; index++)
    profileIds[index] = ids[graph.find(recordNodes[index]!)]!;
  const newIdentities: PlannedIdentity[] = new Array(attachedEntries.length);
  for (let i = 0; i < attachedEntries.length; i++) {
    const entry = attachedEntries[i]!;
    const { type, value, rawValue, valid } = identifier[entry]!;
    const input = inputs[attachedRecords[i]!]!;
    newIdentities[i] = {
      type,
      value,
      rawValue,
      valid,
      key: keys[slot[entry]!]!,
      profileId: ids[graph.find(attachedNodes[i]!)]!,
      source: input.source,
      seenAt: input.seenAt,
    };
  }
  const newProfiles: ResolutionPlan['newProfiles'] = [];
  newProfileNodes.forEach((node, i) => {
    if (graph.find(node) === node)
      newProfiles.push({ id: ids[node]!, createdAt: inputs[newProfileRecords[i]!]!.seenAt });
  });
  return {
    profileIds,
    newProfiles,
    newIdentities,
    seen,
    // A chain a→b, b→c in one batch is logged against the final survivor, so every row is undoable.
    merges: merges.map(({ survivor, merge }) => ({ ...merge, survivorId: ids[graph.find(survivor)]! })),
    conflicts: dedupeConflicts(conflicts, graph),
    blocked: batch.blocked,
  };
}

function countOwners(snapshot: GraphSnapshot): number {
  return new Set(snapshot.owners.values()).size;
}

/** Stored owners of the batch's keys become the graph's first nodes, with their counts. */
function loadSnapshot(
  batch: PreparedBatch,
  snapshot: GraphSnapshot,
  graph: BatchGraph,
  owner: Int32Array,
  storedKey: Uint8Array,
): void {
  const nodes = new Map<string, number>();
  for (const [key, profileId] of snapshot.owners) {
    const keySlot = batch.slotByKey.get(key);
    if (keySlot === undefined) continue;
    let node = nodes.get(profileId);
    if (node === undefined) {
      node = graph.addStored(profileId);
      nodes.set(profileId, node);
    }
    owner[keySlot] = node;
    storedKey[keySlot] = 1;
  }
  for (const [profileId, families] of snapshot.familyCounts) {
    const node = nodes.get(profileId);
    if (node === undefined) continue;
    for (const [name, n] of families) {
      const f = familyIndex(name);
      if (f !== OTHER_FAMILY) graph.addCount(node, f, n);
    }
  }
}

function mergeRefusal(
  graph: BatchGraph,
  survivor: number,
  merged: number,
  snapshot: GraphSnapshot,
  limits: readonly number[],
): { kind: PlannedConflict['kind']; detail: string } | null {
  if (
    snapshot.blockedPairs.size > 0 &&
    snapshot.blockedPairs.has(pairKey(graph.ids[survivor]!, graph.ids[merged]!))
  ) {
    return {
      kind: 'blocked_pair',
      detail: 'an admin split these profiles apart; not merged again automatically',
    };
  }
  const f = graph.exceededOnJoin(survivor, merged, limits);
  if (f < 0) return null;
  const total = graph.count(survivor, f) + graph.count(merged, f);
  return {
    kind: 'limit',
    detail: `merging would give one profile ${total} ${LIMITED_FAMILIES[f]} identifiers (limit ${limits[f]})`,
  };
}

/** Conflicts against final survivors, once each (a batch can repeat the same refusal). */
function dedupeConflicts(
  conflicts: Array<{ nodes: number[]; conflict: PlannedConflict }>,
  graph: BatchGraph,
): PlannedConflict[] {
  const seen = new Set<string>();
  const out: PlannedConflict[] = [];
  for (const { nodes, conflict } of conflicts) {
    const profileIds = [...new Set(nodes.map((node) => graph.ids[graph.find(node)]!))].sort();
    const key = `${conflict.kind}|${profileIds.join(',')}|${conflict.identifierType}|${conflict.identifierValue}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...conflict, profileIds });
  }
  return out;
}
