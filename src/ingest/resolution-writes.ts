import type { AppDeps } from '../app-deps.js';
import type { Statement } from '../db/atomic.js';
import { bulkInsert } from '../db/bulk.js';
import { chunked, padToBucket } from '../db/chunk.js';
import { placeholders } from '../db/raw-select.js';
import { identities, identityConflicts, merges, profiles } from '../db/schema/index.js';
import type { ResolutionPlan } from '../identity/deterministic/types.js';
import { mergeStatements } from '../identity/merge-statements.js';
import { newId } from '../lib/ids.js';
import type { ProfileTraitsState } from './profile-state.js';

/** The statements that store a resolution plan; the caller runs them in its atomic batch. */
export function resolutionWrites(
  deps: AppDeps,
  plan: ResolutionPlan,
  now: Date,
  actor: string,
  traits: ReadonlyMap<string, ProfileTraitsState>,
): Statement[] {
  const { sqlParamLimit } = deps;
  const out: Statement[] = [];

  // New profiles are born with their winning traits: no insert-then-update.
  const profileRows = plan.newProfiles.map((p) => ({
    id: p.id,
    traits: traits.get(p.id)?.traits ?? {},
    traitSources: traits.get(p.id)?.traitSources ?? {},
    createdAt: p.createdAt,
    updatedAt: now,
  }));
  out.push(...bulkInsert(profiles, profileRows, sqlParamLimit));

  const identityRows = plan.newIdentities.map((identity) => ({
    profileId: identity.profileId,
    originProfileId: identity.profileId,
    key: identity.key,
    type: identity.type,
    value: identity.value,
    rawValue: identity.rawValue,
    valid: identity.valid,
    source: identity.source,
    firstSeenAt: identity.seenAt,
    lastSeenAt: identity.seenAt,
  }));
  out.push(...bulkInsert(identities, identityRows, sqlParamLimit, 'on conflict do nothing'));

  // One statement per distinct time: historical imports keep accurate last-seen times.
  const keysBySeen = new Map<number, string[]>();
  for (const [key, seenAt] of plan.seen) {
    const list = keysBySeen.get(seenAt.getTime()) ?? [];
    list.push(key);
    keysBySeen.set(seenAt.getTime(), list);
  }
  for (const [seenAt, keys] of keysBySeen) {
    // Raw and bucketed: the same few statement texts recur, so the driver reuses them.
    for (const chunk of chunked(keys, sqlParamLimit, 1, 2).map((c) => padToBucket(c, sqlParamLimit - 2))) {
      out.push({
        kind: 'raw',
        sql: `update identities set last_seen_at = ? where key in (${placeholders(chunk.length)}) and last_seen_at < ?`,
        args: [seenAt, ...chunk, seenAt],
      });
    }
  }

  for (const merge of plan.merges) out.push(...mergeStatements(merge.survivorId, merge.mergedId, now));
  const mergeRows = plan.merges.map((merge) => ({
    id: newId('mrg'),
    survivorId: merge.survivorId,
    mergedId: merge.mergedId,
    method: 'deterministic' as const,
    evidence: { ...merge.evidence },
    actor,
    createdAt: now,
  }));
  out.push(...bulkInsert(merges, mergeRows, sqlParamLimit));

  const conflictRows = plan.conflicts.map((conflict) => ({
    id: newId('cfl'),
    ...conflict,
    fingerprint: [
      conflict.kind,
      conflict.profileIds.join(','),
      conflict.identifierType,
      conflict.identifierValue,
    ].join('|'),
    createdAt: now,
  }));
  out.push(...bulkInsert(identityConflicts, conflictRows, sqlParamLimit, 'on conflict do nothing'));
  return out;
}
