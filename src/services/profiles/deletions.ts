import { and, desc, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { apiKeys, deletions } from '../../db/schema/index.js';

export interface DeletionQuery {
  status?: 'pending' | 'completed';
  limit: number;
  /** The last row of the previous page: `<requestedAt ms>:<id>`. */
  cursor?: { at: Date; id: string };
}

/** Erasures and their propagation to destinations, newest first. The sealed identifiers never leave. */
export async function listDeletions(deps: AppDeps, query: DeletionQuery) {
  const filters = [
    query.status === 'pending' ? isNull(deletions.completedAt) : undefined,
    query.status === 'completed' ? isNotNull(deletions.completedAt) : undefined,
    query.cursor
      ? or(
          lt(deletions.requestedAt, query.cursor.at),
          and(eq(deletions.requestedAt, query.cursor.at), lt(deletions.id, query.cursor.id)),
        )
      : undefined,
  ].filter((filter) => filter !== undefined);
  const rows = await deps.db
    .select({
      id: deletions.id,
      profileId: deletions.profileId,
      requestedBy: deletions.requestedBy,
      requestedByName: apiKeys.name,
      requestedAt: deletions.requestedAt,
      propagation: deletions.propagation,
      completedAt: deletions.completedAt,
      sealed: deletions.identifiersSealed,
    })
    .from(deletions)
    .leftJoin(apiKeys, eq(apiKeys.id, deletions.requestedBy))
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(deletions.requestedAt), desc(deletions.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ sealed, ...row }) => ({
      ...row,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      status: row.completedAt ? ('completed' as const) : ('pending' as const),
      // Whether the identifiers are still held for propagation; the values themselves never leave.
      identifiersHeld: sealed !== null,
    })),
    nextCursor: rows.length > query.limit && last ? `${last.requestedAt.getTime()}:${last.id}` : null,
  };
}

export function parseDeletionCursor(cursor: string): { at: Date; id: string } | undefined {
  const match = /^(\d+):(del_[a-z0-9]+)$/.exec(cursor);
  if (!match) return undefined;
  return { at: new Date(Number(match[1])), id: match[2]! };
}
