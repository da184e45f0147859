import type { NormalizedIdentifier } from '../normalize.js';
import { type IdentitySettings, isBlockedValue } from '../settings.js';
import { familyIndex, familyRanks } from './batch-graph.js';
import { identityKey, type ResolutionInput } from './types.js';

/**
 * A batch made ready for resolution: each record's usable identifiers in priority order, and the
 * batch's distinct identity keys (what the caller reads the stored graph for). Flat arrays rather
 * than an object per identifier: a bulk import prepares millions of identifiers, and every key is
 * built and hashed once here instead of again by each step that needs it.
 */
export interface PreparedBatch {
  inputs: readonly ResolutionInput[];
  /** Distinct keys of the usable identifiers, in first-seen order. */
  keys: string[];
  /** key → its index in `keys`. */
  slotByKey: Map<string, number>;
  /** Record `r`'s usable identifiers are entries `start[r]` … `start[r + 1] - 1`, best first. */
  start: Int32Array;
  /** Per entry: the index of its key in `keys`, its family index, the identifier itself. */
  slot: Int32Array;
  family: Uint8Array;
  identifier: NormalizedIdentifier[];
  /** Identifiers ignored because they are blocked placeholders, per record index. */
  blocked: Array<{ index: number; type: string; value: string }>;
}

export function prepareBatch(inputs: readonly ResolutionInput[], settings: IdentitySettings): PreparedBatch {
  let total = 0;
  for (const input of inputs) total += input.identifiers.length;
  const ranks = familyRanks(settings);
  const keys: string[] = [];
  const slotByKey = new Map<string, number>();
  const start = new Int32Array(inputs.length + 1);
  const slot = new Int32Array(total);
  const family = new Uint8Array(total);
  const identifier: NormalizedIdentifier[] = [];
  const blocked: PreparedBatch['blocked'] = [];

  let end = 0;
  for (let index = 0; index < inputs.length; index++) {
    const first = end;
    start[index] = first;
    for (const candidate of inputs[index]!.identifiers) {
      if (isBlockedValue(settings, candidate.value)) {
        blocked.push({ index, type: candidate.type, value: candidate.value });
        continue;
      }
      const key = identityKey(candidate.type, candidate.value);
      let keySlot = slotByKey.get(key);
      if (keySlot === undefined) {
        keySlot = keys.length;
        keys.push(key);
        slotByKey.set(key, keySlot);
      }
      // Insertion by priority rank; equal ranks keep their input order (a stable sort).
      const f = familyIndex(candidate.type);
      const rank = ranks[f]!;
      let at = end;
      identifier.push(candidate);
      while (at > first && ranks[family[at - 1]!]! > rank) {
        slot[at] = slot[at - 1]!;
        family[at] = family[at - 1]!;
        identifier[at] = identifier[at - 1]!;
        at--;
      }
      slot[at] = keySlot;
      family[at] = f;
      identifier[at] = candidate;
      end++;
    }
  }
  start[inputs.length] = end;
  return { inputs, keys, slotByKey, start, slot, family, identifier, blocked };
}
