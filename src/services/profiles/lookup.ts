import { eq } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { identities } from '../../db/schema/index.js';
import { AppError, type FieldIssue } from '../../http/errors.js';
import { identityKey } from '../../identity/deterministic/types.js';
import {
  type NormalizedIdentifier,
  normalizeEmail,
  normalizePhone,
  normalizePlain,
} from '../../identity/normalize.js';
import type { IdentitySettings } from '../../identity/settings.js';
import { loadSettings } from '../settings.js';
import { type ResolvedProfile, resolveProfile } from './resolve.js';

export const LOOKUP_PARAMS = ['email', 'phone', 'user_id', 'anonymous_id', 'external_id'] as const;
export type LookupParam = (typeof LOOKUP_PARAMS)[number];
export type LookupQuery = Partial<Record<LookupParam | 'source', string | undefined>>;

function invalid(issues: FieldIssue[]): AppError {
  return new AppError('validation_failed', 'request validation failed', issues);
}

/** The one identifier a lookup names, normalized exactly as ingest normalizes it. */
export function lookupIdentifier(query: LookupQuery, settings: IdentitySettings): NormalizedIdentifier {
  const given = LOOKUP_PARAMS.filter((param) => query[param] !== undefined);
  if (given.length !== 1) {
    const message = `give exactly one of ${LOOKUP_PARAMS.join(', ')}`;
    throw invalid(
      given.length === 0
        ? [{ path: 'query', message }]
        : given.map((param) => ({ path: `query.${param}`, message })),
    );
  }
  const param = given[0]!;
  const raw = query[param]!;
  if (raw.trim() === '') throw invalid([{ path: `query.${param}`, message: 'must not be empty' }]);
  if (param !== 'external_id' && query.source !== undefined) {
    throw invalid([{ path: 'query.source', message: 'only goes with external_id' }]);
  }
  switch (param) {
    case 'email':
      return normalizeEmail(raw, settings.email);
    case 'phone':
      return normalizePhone(raw, settings.phone);
    case 'user_id':
      return normalizePlain('user_id', raw);
    case 'anonymous_id':
      return normalizePlain('anonymous_id', raw);
    case 'external_id': {
      const source = query.source?.trim();
      if (!source) {
        throw invalid([
          { path: 'query.source', message: 'external_id needs the source that issued it (e.g. hubspot)' },
        ]);
      }
      return normalizePlain(`external:${source.toLowerCase()}`, raw);
    }
  }
}

/** The profile that holds the identifier the query names (404 when none does). */
export async function lookupProfile(deps: AppDeps, query: LookupQuery): Promise<ResolvedProfile> {
  const settings = await loadSettings(deps);
  const identifier = lookupIdentifier(query, settings.identity);
  const [row] = await deps.db
    .select({ profileId: identities.profileId })
    .from(identities)
    .where(eq(identities.key, identityKey(identifier.type, identifier.value)));
  if (!row)
    throw new AppError(
      'not_found',
      `no profile with that ${identifier.type.replace(/^external:/, 'external id from ')}`,
    );
  // The owner is the survivor already (merges move identities), but resolve anyway: it is cheap
  // and it turns a race with an erasure into the erased answer.
  const { profile } = await resolveProfile(deps, row.profileId);
  return { profile };
}
