import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Principal } from '../app-deps.js';
import { findActiveKey, touchApiKey } from '../services/api-keys.js';
import { AppError } from './errors.js';
import { type Permission, roleCan } from './permissions.js';

/**
 * Keys are read from `Authorization: Bearer <key>` or `X-Api-Key`. A short per-isolate cache keeps
 * the hash lookup off the hot path; revocation through this instance clears it at once, and other
 * instances see it within the TTL.
 */
const CACHE_TTL_MS = 10_000;
const CACHE_MAX = 1000;
const cache = new Map<string, { principal: Principal | null; expiresAt: number }>();

export function forgetCachedKeys(): void {
  cache.clear();
}

/**
 * `Bearer <key>`, `X-Api-Key: <key>`, or HTTP Basic with the key as the user name and an empty
 * password: the way Segment libraries send their write key, so they work by changing only the host.
 */
function presentedKey(c: Context<AppEnv>): string | undefined {
  const authorization = c.req.header('authorization');
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (bearer) return bearer[1];
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (basic) return basicUser(basic[1]!);
    return undefined;
  }
  return c.req.header('x-api-key') ?? undefined;
}

function basicUser(encoded: string): string | undefined {
  try {
    const decoded = atob(encoded);
    const user = decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined);
    return user || undefined;
  } catch {
    return undefined;
  }
}

async function resolvePrincipal(c: Context<AppEnv>, key: string): Promise<Principal | null> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.principal;
  const { db } = c.get('deps');
  const found = await findActiveKey(db, key);
  const principal = found ? { keyId: found.keyId, name: found.name, role: found.role } : null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { principal, expiresAt: now + CACHE_TTL_MS });
  if (found && (!found.lastUsedAt || now - found.lastUsedAt.getTime() > 60_000)) {
    await touchApiKey(db, found.keyId, c.get('deps').now());
  }
  return principal;
}

/** Authenticates the request and checks that the key's role grants `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return requireAnyPermission(permission);
}

/**
 * For routes more than one kind of key may call (e.g. catalog writes from an ingest key or an
 * admin): the key's role must grant at least one of `permissions`.
 */
export function requireAnyPermission(
  ...permissions: [Permission, ...Permission[]]
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = presentedKey(c);
    if (!key) {
      throw new AppError(
        'unauthorized',
        'missing API key: send `Authorization: Bearer <key>` (or Basic with the key as user name)',
      );
    }
    const principal = await resolvePrincipal(c, key);
    if (!principal) throw new AppError('unauthorized', 'invalid or revoked API key');
    if (!permissions.some((permission) => roleCan(principal.role, permission))) {
      throw new AppError(
        'forbidden',
        `a key with role '${principal.role}' may not do this (needs ${permissions.join(' or ')})`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}
