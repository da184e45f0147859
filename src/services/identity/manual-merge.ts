import { count, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { identities, merges } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { mergeStatements } from '../../identity/merge-statements.js';
import { type IdentifierType, identifierFamily } from '../../identity/settings.js';
import { recomputeProfiles } from '../../ingest/profile-state.js';
import { newId } from '../../lib/ids.js';
import { type AuditActor, auditInsert } from '../audit.js';
import { loadSettings } from '../settings.js';
import { requireCanonical } from './canonical.js';

/**
 * Merges two profiles on a person's or the matcher's say-so (review accepted, probabilistic match
 * above the upper threshold). Identifier limits still hold: two user ids never become one person.
 * The older profile survives so the id callers have held longest stays stable.
 */
export async function mergeProfiles(
  deps: AppDeps,
  actor: AuditActor,
  input: { a: string; b: string; method: 'probabilistic' | 'manual'; evidence: Record<string, unknown> },
  options: { recompute?: boolean } = {},
) {
  const a = await requireCanonical(deps, input.a, 'profile a');
  const b = await requireCanonical(deps, input.b, 'profile b');
  if (a === b) throw new AppError('conflict', `${input.a} and ${input.b} are already one profile (${a})`);
  const [survivor, merged] = a < b ? [a, b] : [b, a];
  const settings = await loadSettings(deps);
  const rows = await deps.db
    .select({ type: identities.type, n: count() })
    .from(identities)
    .where(inArray(identities.profileId, [a, b]))
    .groupBy(identities.type);
  const families = new Map<string, number>();
  for (const row of rows) {
    const family = identifierFamily(row.type as IdentifierType);
    families.set(family, (families.get(family) ?? 0) + row.n);
  }
  for (const [family, n] of families) {
    const limit = settings.identity.limits[family as keyof typeof settings.identity.limits];
    if (limit !== undefined && n > limit) {
      throw new AppError(
        'conflict',
        `merging would give one profile ${n} ${family} identifiers (limit ${limit})`,
      );
    }
  }
  const now = deps.now();
  const mergeId = newId('mrg');
  await atomic(deps.db, [
    ...mergeStatements(survivor, merged, now),
    deps.db.insert(merges).values({
      id: mergeId,
      survivorId: survivor,
      mergedId: merged,
      method: input.method,
      evidence: input.evidence,
      actor: actor.principal?.name ?? 'resolver',
      createdAt: now,
    }),
    auditInsert(
      deps.db,
      actor,
      {
        action: 'profile.merge',
        entityType: 'merge',
        entityId: mergeId,
        after: { survivor, merged, method: input.method },
      },
      now,
    ),
  ]);
  if (options.recompute !== false) await recomputeProfiles(deps, [survivor], settings);
  return { mergeId, survivorId: survivor, mergedId: merged };
}
