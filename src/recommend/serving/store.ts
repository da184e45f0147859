import { lt } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic, type Statement } from '../../db/atomic.js';
import { bulkInsert, type RawStatement } from '../../db/bulk.js';
import { profileRecommendations, recommendationLists } from '../../db/schema/recommendations.js';
import { cooperative } from './cooperative.js';
import { round } from './fit.js';
import type { ProfileRecommendationRow } from './score-page.js';
import type { SharedList } from './shared-model.js';
import type { VoteTable } from './vote-table.js';

/** Statements per write batch: D1 runs a batch as one request; a full fit writes ~100,000 lists. */
const STATEMENTS_PER_BATCH = 50;
/** Rows per multi-row insert of vote lists (3 parameters each), like bulkInsert's bound. */
const VOTE_ROWS_PER_INSERT = 500;

export function profileRowWrites(deps: AppDeps, rows: readonly ProfileRecommendationRow[]): Statement[] {
  return bulkInsert(
    profileRecommendations,
    rows,
    deps.sqlParamLimit,
    'on conflict (profile_id) do update set items_json = excluded.items_json, level = excluded.level, ' +
      'confidence = excluded.confidence, computed_at = excluded.computed_at',
  );
}

/**
 * Replaces the shared lists: every list of this fit and every product's votes (`knn:<id>`) are
 * written in batches as they are made (a million-profile fit's vote lists at once would be
 * gigabytes of text; readers may meanwhile see some lists new and some old, each one whole), then
 * the lists this fit did not produce go.
 */
export async function storeSharedLists(
  deps: AppDeps,
  lists: ReadonlyMap<string, SharedList>,
  votes: VoteTable,
  computedAt: Date,
): Promise<void> {
  const rows = [...lists].map(([key, list]) => ({
    key,
    items: list.items,
    support: list.support,
    computedAt,
  }));
  const upsert =
    'on conflict (key) do update set items_json = excluded.items_json, support = excluded.support, ' +
    'computed_at = excluded.computed_at';
  let batch: Statement[] = [];
  const pause = cooperative();
  for (const statements of [
    bulkInsert(recommendationLists, rows, deps.sqlParamLimit, upsert),
    voteWrites(deps, votes, computedAt),
  ]) {
    for (const statement of statements) {
      batch.push(statement);
      if (batch.length < STATEMENTS_PER_BATCH) continue;
      await atomic(deps.db, batch);
      batch = [];
      await pause();
    }
  }
  await atomic(deps.db, batch);
  await deps.db.delete(recommendationLists).where(lt(recommendationLists.computedAt, computedAt));
}

/** Each product's votes as a `knn:<id>` row, the JSON written straight from the typed arrays. */
function* voteWrites(deps: AppDeps, votes: VoteTable, computedAt: Date): Generator<RawStatement> {
  const rowsPerInsert = Math.max(1, Math.min(VOTE_ROWS_PER_INSERT, Math.floor(deps.sqlParamLimit / 3)));
  let args: unknown[] = [];
  const statement = (): RawStatement => {
    const tuples = new Array(args.length / 3).fill('(?, ?, 0, ?)').join(', ');
    const sql =
      `insert into recommendation_lists (key, items_json, support, computed_at) values ${tuples} ` +
      'on conflict (key) do update set items_json = excluded.items_json, support = 0, computed_at = excluded.computed_at';
    const out: RawStatement = { kind: 'raw', sql, args };
    args = [];
    return out;
  };
  for (let item = 0; item < votes.itemIds.length; item++) {
    const start = votes.start[item]!;
    const end = votes.start[item + 1]!;
    if (start === end) continue;
    let json = '[';
    for (let t = start; t < end; t++) {
      const productId = JSON.stringify(votes.itemIds[votes.items[t]!]!);
      json += `${t === start ? '' : ','}{"productId":${productId},"score":${round(votes.similarities[t]!)}}`;
    }
    args.push(`knn:${votes.itemIds[item]!}`, `${json}]`, computedAt.getTime());
    if (args.length / 3 >= rowsPerInsert) yield statement();
  }
  if (args.length > 0) yield statement();
}
