import type { AppDeps, Principal } from '../../app-deps.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { roleCan } from '../../http/permissions.js';
import { errorFields } from '../../lib/logger.js';
import { findActiveKey, touchApiKey } from '../api-keys.js';

/**
 * Authentication of the send-time webhook: the key in `Authorization: Bearer`, HTTP Basic (key as
 * user name), `X-Api-Key`, or a `key=` query parameter, because many ESPs can only template a URL.
 * Principals are cached per key for 10 s like src/http/auth.ts does (a revoked key stops working
 * here within that time), so a send costs no hashing and no query per request.
 */
const CACHE_TTL_MS = 10_000;
const CACHE_MAX = 1000;
const caches = new WeakMap<Db, Map<string, { principal: Principal | null; expiresAt: number }>>();

export function presentedKey(
  header: (name: string) => string | undefined,
  queryKey: string | undefined,
): string | undefined {
  const authorization = header('authorization');
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (basic) {
      try {
        const decoded = atob(basic[1]!);
        return decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined) || undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  return header('x-api-key') ?? (queryKey || undefined);
}

/** The principal of a key allowed to personalize; 401 for a missing or unknown key, 403 for another role. */
export async function authenticatePersonalizeKey(deps: AppDeps, key: string | undefined): Promise<Principal> {
  if (!key) {
    throw new AppError(
      'unauthorized',
      'missing API key: send `Authorization: Bearer <key>`, `X-Api-Key`, or `key=<key>` in the URL',
    );
  }
  let cache = caches.get(deps.db);
  if (!cache) {
    cache = new Map();
    caches.set(deps.db, cache);
  }
  const now = Date.now();
  let principal: Principal | null;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) {
    principal = hit.principal;
  } else {
    let found: Awaited<ReturnType<typeof findActiveKey>>;
    try {
      found = await findActiveKey(deps.db, key);
    } catch (error) {
      // A caller this instance knows keeps being answered (with fallback content, if the database
      // is what failed); one it has never seen cannot be told from a stranger.
      if (hit?.principal) return hit.principal;
      deps.logger.error('personalize: API key lookup failed', errorFields(error));
      throw new AppError('unavailable', 'cannot verify the API key right now; retry shortly');
    }
    principal = found ? { keyId: found.keyId, name: found.name, role: found.role } : null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { principal, expiresAt: now + CACHE_TTL_MS });
    if (found && (!found.lastUsedAt || now - found.lastUsedAt.getTime() > 60_000)) {
      // Bookkeeping: a failed write must not cost the answer.
      await touchApiKey(deps.db, found.keyId, deps.now()).catch((error: unknown) =>
        deps.logger.warn('personalize: could not record API key use', errorFields(error)),
      );
    }
  }
  if (!principal) throw new AppError('unauthorized', 'invalid or revoked API key');
  if (!roleCan(principal.role, 'personalize:read')) {
    throw new AppError(
      'forbidden',
      `a key with role '${principal.role}' may not call the personalization webhook`,
    );
  }
  return principal;
}

/**
 * The principal of a key this instance checked within the cache's lifetime and found allowed to
 * personalize, without waiting a turn (every send asks); undefined for anything else, which
 * authenticatePersonalizeKey then decides.
 */
export function knownPersonalizeKey(deps: AppDeps, key: string | undefined): Principal | undefined {
  if (!key) return undefined;
  const hit = caches.get(deps.db)?.get(key);
  if (!hit?.principal || hit.expiresAt <= Date.now()) return undefined;
  return roleCan(hit.principal.role, 'personalize:read') ? hit.principal : undefined;
}

/** Drops cached principals (tests, and an instance that revoked a key). */
export function forgetPersonalizeKeys(deps: AppDeps): void {
  caches.delete(deps.db);
}
