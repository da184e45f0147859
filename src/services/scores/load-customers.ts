import type { AppDeps } from '../../app-deps.js';
import { rawSelect } from '../../db/raw-select.js';
import type { Transaction } from '../../predict/index.js';

/** A live profile with at least one order, as the models see it. */
export interface CustomerMetrics {
  profileId: string;
  orderCount: number;
  totalSpent: number;
  lastOrderAt: number;
  engagementScore: number;
  engagementAt: number | null;
}

const PAGE = 50_000;

/** Buyers among live profiles, read in keyset pages so no single query holds the table. */
export async function loadBuyers(deps: AppDeps): Promise<CustomerMetrics[]> {
  const out: CustomerMetrics[] = [];
  let after = '';
  for (;;) {
    const rows = await rawSelect<CustomerMetrics>(
      deps.db,
      `select m.profile_id as profileId, m.order_count as orderCount, m.total_spent as totalSpent,
         m.last_order_at as lastOrderAt, m.engagement_score as engagementScore, m.engagement_at as engagementAt
       from profile_metrics m join profiles p on p.id = m.profile_id
       where m.profile_id > ? and m.order_count > 0 and m.last_order_at is not null
         and p.merged_into is null and p.deleted_at is null
       order by m.profile_id limit ${PAGE}`,
      [after],
    );
    out.push(...rows);
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.profileId;
  }
}

/** Completed orders of live profiles, as transactions for BG/NBD and Gamma-Gamma. */
export async function loadTransactions(deps: AppDeps): Promise<Transaction[]> {
  const rows = await rawSelect<{ profileId: string; at: number; total: number }>(
    deps.db,
    `select o.profile_id as profileId, o.ordered_at as at, o.total as total
     from orders o join profiles p on p.id = o.profile_id
     where o.status = 'completed' and p.merged_into is null and p.deleted_at is null`,
    [],
  );
  return rows.map((row) => ({ customerId: row.profileId, date: new Date(row.at), amount: row.total }));
}

/** Each buyer's share of spend per category, for the `categories` most bought categories. */
export async function loadCategoryShares(
  deps: AppDeps,
  categories: number,
): Promise<{ categories: string[]; shares: Map<string, number[]> }> {
  if (categories === 0) return { categories: [], shares: new Map() };
  const top = await rawSelect<{ category: string }>(
    deps.db,
    `select category from order_lines where category is not null
     group by category order by sum(coalesce(price, 0) * quantity) desc limit ?`,
    [categories],
  );
  const names = top.map((row) => row.category);
  const shares = new Map<string, number[]>();
  if (names.length === 0) return { categories: [], shares };
  const rows = await rawSelect<{ profileId: string; category: string | null; spend: number }>(
    deps.db,
    `select o.profile_id as profileId, l.category as category, sum(coalesce(l.price, 0) * l.quantity) as spend
     from order_lines l join orders o on o.id = l.order_id
     where o.status = 'completed' group by o.profile_id, l.category`,
    [],
  );
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.profileId, (totals.get(row.profileId) ?? 0) + row.spend);
  for (const row of rows) {
    const index = row.category === null ? -1 : names.indexOf(row.category);
    if (index < 0) continue;
    const total = totals.get(row.profileId) ?? 0;
    const list = shares.get(row.profileId) ?? new Array<number>(names.length).fill(0);
    list[index] = total > 0 ? row.spend / total : 0;
    shares.set(row.profileId, list);
  }
  return { categories: names, shares };
}
