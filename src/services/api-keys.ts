import { and, asc, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { Principal } from '../app-deps.js';
import { atomic } from '../db/atomic.js';
import type { Db } from '../db/client.js';
import { type ApiKeyRole, apiKeys } from '../db/schema/index.js';
import { AppError } from '../http/errors.js';
import { apiKeyHint, generateApiKey, hashApiKey } from '../lib/api-key.js';
import { newId } from '../lib/ids.js';
import { type AuditActor, auditInsert } from './audit.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** What an admin may see of a key: never the hash. */
export function publicApiKey(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hint: row.hint,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key and returns it in clear text: the only time anyone sees it. */
export async function createApiKey(
  db: Db,
  actor: AuditActor,
  input: { name: string; role: ApiKeyRole; key?: string },
  now: Date,
): Promise<{ key: string; record: ReturnType<typeof publicApiKey> }> {
  const key = input.key ?? generateApiKey();
  const row: ApiKeyRow = {
    id: newId('key'),
    name: input.name,
    role: input.role,
    keyHash: await hashApiKey(key),
    hint: apiKeyHint(key),
    createdBy: actor.principal?.keyId ?? null,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  };
  const record = publicApiKey(row);
  await atomic(db, [
    db.insert(apiKeys).values(row),
    auditInsert(
      db,
      actor,
      { action: 'api_key.create', entityType: 'api_key', entityId: row.id, after: record },
      now,
    ),
  ]);
  return { key, record };
}

export async function listApiKeys(db: Db, options: { includeRevoked: boolean }) {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(options.includeRevoked ? undefined : isNull(apiKeys.revokedAt))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  return rows.map(publicApiKey);
}

export async function revokeApiKey(db: Db, actor: AuditActor, id: string, now: Date) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw new AppError('not_found', `API key ${id} does not exist`);
  if (row.revokedAt) return publicApiKey(row);
  if (row.role === 'admin' && (await activeAdminCount(db)) <= 1) {
    throw new AppError('conflict', 'cannot revoke the last active admin key; create another admin key first');
  }
  const before = publicApiKey(row);
  const after = publicApiKey({ ...row, revokedAt: now });
  await atomic(db, [
    db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)),
    auditInsert(
      db,
      actor,
      { action: 'api_key.revoke', entityType: 'api_key', entityId: id, before, after },
      now,
    ),
  ]);
  return after;
}

async function activeAdminCount(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'admin'), isNull(apiKeys.revokedAt)));
  return row?.n ?? 0;
}

/** Looks a presented key up by its hash; revoked and unknown keys give null. */
export async function findActiveKey(
  db: Db,
  presented: string,
): Promise<(Principal & { lastUsedAt: Date | null }) | null> {
  const keyHash = await hashApiKey(presented);
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row ? { keyId: row.id, name: row.name, role: row.role, lastUsedAt: row.lastUsedAt } : null;
}

/** Records use coarsely (once a minute at most) so authentication stays a read. */
export async function touchApiKey(db: Db, keyId: string, now: Date): Promise<void> {
  const aMinuteAgo = new Date(now.getTime() - 60_000);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, aMinuteAgo))));
}

/**
 * First start: when there is no active admin key, create one. With `ESP_HUB_ADMIN_KEY` set that
 * key is registered (idempotent: its hash is unique); otherwise a new key is generated and
 * returned so the entry point can print it once.
 */
export async function bootstrapAdminKey(
  db: Db,
  options: { presetKey?: string; now: Date },
): Promise<{ created: 'generated' | 'preset' | null; key?: string }> {
  if (options.presetKey) {
    const existing = await findActiveKey(db, options.presetKey);
    if (existing) return { created: null };
    const keyHash = await hashApiKey(options.presetKey);
    const [known] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
    // A preset key that an admin revoked stays revoked; the environment cannot resurrect it.
    if (known) return { created: null };
    if ((await activeAdminCount(db)) > 0) return { created: null };
    await createApiKey(
      db,
      { principal: null },
      { name: 'bootstrap admin (ESP_HUB_ADMIN_KEY)', role: 'admin', key: options.presetKey },
      options.now,
    );
    return { created: 'preset' };
  }
  if ((await activeAdminCount(db)) > 0) return { created: null };
  const { key } = await createApiKey(
    db,
    { principal: null },
    { name: 'bootstrap admin', role: 'admin' },
    options.now,
  );
  return { created: 'generated', key };
}
