import type { NormalizedIdentifier } from '../normalize.js';
import type { IdentifierType } from '../settings.js';

/** `type` U+001F `value`: the identities table's unique key. */
export function identityKey(type: IdentifierType | string, value: string): string {
  return `${type}\u001f${value}`;
}

export function splitIdentityKey(key: string): { type: string; value: string } {
  const at = key.indexOf('\u001f');
  return { type: key.slice(0, at), value: key.slice(at + 1) };
}

/** One record to place in the graph: its identifiers, where it came from, when it was seen. */
export interface ResolutionInput {
  identifiers: NormalizedIdentifier[];
  source: string;
  seenAt: Date;
  /** For merge evidence (message id, CSV row, CRM id). */
  reference?: string;
}

/** What the resolver needs to know about the stored graph, fetched once per batch. */
export interface GraphSnapshot {
  /** identity key → owning profile id, for the keys of the batch. */
  owners: Map<string, string>;
  /** profile id → identifier family → count, for every owner above. */
  familyCounts: Map<string, Map<string, number>>;
  /** `a|b` (sorted) pairs an admin split apart. */
  blockedPairs: Set<string>;
}

export interface MergeEvidence {
  rule: 'shared_identifier';
  /** The identifier that tied the record to the survivor, and the one tying it to the merged profile. */
  survivorIdentifier: { type: string; value: string };
  mergedIdentifier: { type: string; value: string };
  source: string;
  reference?: string;
}

export interface PlannedMerge {
  survivorId: string;
  mergedId: string;
  evidence: MergeEvidence;
}

export interface PlannedConflict {
  kind: 'limit' | 'blocked_pair';
  profileIds: string[];
  identifierType: string;
  identifierValue: string;
  detail: string;
}

export interface PlannedIdentity extends NormalizedIdentifier {
  key: string;
  profileId: string;
  source: string;
  seenAt: Date;
}

export interface ResolutionPlan {
  /** Profile id per input record, after every merge in the batch. */
  profileIds: string[];
  newProfiles: Array<{ id: string; createdAt: Date }>;
  newIdentities: PlannedIdentity[];
  /** Existing identity key → latest time seen in this batch. */
  seen: Map<string, Date>;
  merges: PlannedMerge[];
  conflicts: PlannedConflict[];
  /** Identifiers ignored because they are blocked placeholders, per record index. */
  blocked: Array<{ index: number; type: string; value: string }>;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
