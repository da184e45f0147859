import { eq, inArray, isNull } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic, type Statement } from '../../db/atomic.js';
import { chunked } from '../../db/chunk.js';
import { identities, merges } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { identityKey } from '../../identity/deterministic/types.js';
import {
  type NormalizedIdentifier,
  normalizeEmail,
  normalizePhone,
  normalizePlain,
} from '../../identity/normalize.js';
import { type IdentifierType, type IdentitySettings, isBlockedValue } from '../../identity/settings.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { loadSettings } from '../settings.js';
import { mergeProfiles } from './manual-merge.js';

export interface ReResolutionReport {
  dryRun: boolean;
  identities: number;
  /** Identifiers whose normalized value changes under the current rules. */
  renormalized: number;
  /** Identifiers that are now blocked placeholders: detached, they no longer join anything. */
  nowBlocked: Array<{ profileId: string; type: string; value: string }>;
  /** Profiles that now share an identifier: merged (or refused, with the reason). */
  joins: Array<{ profiles: string[]; type: string; value: string; outcome?: string }>;
  /** Live merges whose evidence is now a blocked value: candidates to unmerge by hand. */
  suspectMerges: string[];
}

function renormalize(type: string, raw: string, settings: IdentitySettings): NormalizedIdentifier {
  if (type === 'email') return normalizeEmail(raw, settings.email);
  if (type === 'phone') return normalizePhone(raw, settings.phone);
  return normalizePlain(type as IdentifierType, raw);
}

/**
 * Re-applies the current identity rules (normalization, blocked values) to every stored
 * identifier, for after a rule change. A dry run reports what would change; a real run detaches
 * newly blocked identifiers, rewrites changed values and merges profiles that now share one.
 */
export async function reResolve(
  deps: AppDeps,
  actor: AuditActor,
  options: { dryRun: boolean },
): Promise<ReResolutionReport> {
  const settings = (await loadSettings(deps)).identity;
  const rows = await deps.db
    .select({
      id: identities.key,
      profileId: identities.profileId,
      type: identities.type,
      value: identities.value,
      rawValue: identities.rawValue,
      key: identities.key,
    })
    .from(identities);
  const report: ReResolutionReport = {
    dryRun: options.dryRun,
    identities: rows.length,
    renormalized: 0,
    nowBlocked: [],
    joins: [],
    suspectMerges: [],
  };

  const blockedIds: string[] = [];
  const byNewKey = new Map<string, Array<(typeof rows)[number] & { next: NormalizedIdentifier }>>();
  for (const row of rows) {
    const next = renormalize(row.type, row.rawValue, settings);
    if (isBlockedValue(settings, next.value)) {
      blockedIds.push(row.id);
      report.nowBlocked.push({ profileId: row.profileId, type: row.type, value: next.value });
      continue;
    }
    if (next.value !== row.value) report.renormalized++;
    const key = identityKey(row.type, next.value);
    byNewKey.set(key, [...(byNewKey.get(key) ?? []), { ...row, next }]);
  }

  const blockedValues = new Set(report.nowBlocked.map((b) => `${b.type}\u001f${b.value}`));
  const liveMerges = await deps.db
    .select({ id: merges.id, evidence: merges.evidence })
    .from(merges)
    .where(isNull(merges.undoneAt));
  for (const merge of liveMerges) {
    const evidence = merge.evidence as {
      survivorIdentifier?: { type: string; value: string };
      mergedIdentifier?: { type: string; value: string };
    };
    const used = [evidence.survivorIdentifier, evidence.mergedIdentifier].filter((x) => x !== undefined);
    if (used.some((identifier) => blockedValues.has(`${identifier.type}\u001f${identifier.value}`)))
      report.suspectMerges.push(merge.id);
  }

  const rewrites: Statement[] = [];
  for (const [key, group] of byNewKey) {
    const [keep, ...rest] = group;
    if (!keep) continue;
    const owners = [...new Set(group.map((row) => row.profileId))];
    if (owners.length > 1) report.joins.push({ profiles: owners, type: keep.type, value: keep.next.value });
    if (options.dryRun) continue;
    // One row per key survives (the index is unique); the others' profiles are merged below.
    for (const chunk of chunked(
      rest.map((row) => row.id),
      deps.sqlParamLimit,
    ))
      rewrites.push(deps.db.delete(identities).where(inArray(identities.key, chunk)));
    if (keep.key !== key)
      rewrites.push(
        deps.db
          .update(identities)
          .set({ key, value: keep.next.value, valid: keep.next.valid })
          .where(eq(identities.key, keep.id)),
      );
  }
  if (options.dryRun) return report;

  const now = deps.now();
  await atomic(deps.db, [
    ...chunked(blockedIds, deps.sqlParamLimit).map((chunk) =>
      deps.db.delete(identities).where(inArray(identities.key, chunk)),
    ),
    ...rewrites,
    auditInsert(
      deps.db,
      actor,
      {
        action: 'identity.re_resolve',
        entityType: 'identity',
        entityId: 'all',
        after: {
          renormalized: report.renormalized,
          nowBlocked: report.nowBlocked.length,
          joins: report.joins.length,
        },
      },
      now,
    ),
  ]);
  for (const join of report.joins) {
    const [first, ...others] = join.profiles;
    for (const other of others) {
      try {
        await mergeProfiles(deps, actor, {
          a: first!,
          b: other,
          method: 'manual',
          evidence: { rule: 're_resolution', identifier: { type: join.type, value: join.value } },
        });
        join.outcome = 'merged';
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
        join.outcome = `not merged: ${error.message}`;
      }
    }
  }
  return report;
}
