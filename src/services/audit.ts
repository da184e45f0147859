import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Principal } from '../app-deps.js';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import { newId } from '../lib/ids.js';

export interface AuditActor {
  principal: Principal | null;
  requestId?: string;
}

export interface AuditChange {
  action: string;
  entityType: string;
  entityId: string;
  /** Already redacted: callers pass what an admin may see. */
  before?: unknown;
  after?: unknown;
}

/** The insert for one audit row, to run in the same atomic batch as the change it records. */
export function auditInsert(db: Db, actor: AuditActor, change: AuditChange, at: Date) {
  return db.insert(auditLog).values({
    id: newId('aud'),
    at,
    actorKeyId: actor.principal?.keyId ?? null,
    actorName: actor.principal?.name ?? 'system',
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    before: change.before ?? null,
    after: change.after ?? null,
    requestId: actor.requestId ?? null,
  });
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  limit: number;
  /** The last row of the previous page: `<at ms>:<id>`. */
  cursor?: { at: Date; id: string };
}

export async function listAudit(db: Db, query: AuditQuery) {
  const filters = [
    query.entityType ? eq(auditLog.entityType, query.entityType) : undefined,
    query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
    query.cursor
      ? or(
          lt(auditLog.at, query.cursor.at),
          and(eq(auditLog.at, query.cursor.at), lt(auditLog.id, query.cursor.id)),
        )
      : undefined,
  ].filter((filter) => filter !== undefined);
  const rows = await db
    .select()
    .from(auditLog)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? `${last.at.getTime()}:${last.id}` : null;
  return { items: page, nextCursor };
}

export function parseAuditCursor(cursor: string): { at: Date; id: string } | undefined {
  const match = /^(\d+):(aud_[a-z0-9]+)$/.exec(cursor);
  if (!match) return undefined;
  return { at: new Date(Number(match[1])), id: match[2]! };
}
