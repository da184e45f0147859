import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import type { Db } from '../../db/client.js';
import { rawSelect as queryRows } from '../../db/raw-select.js';
import { loadSettings } from '../../services/settings.js';
import { RECOMMENDATION_EVENT_NAMES } from './interactions.js';
import { liveProfiles, RECOMMENDATION_PAGE_SIZE } from './profile-context.js';
import { type CatalogView, scoreProfiles } from './score-page.js';
import { storedModel } from './shared-model.js';
import { profileRowWrites } from './store.js';

/** Catalogue entries kept between refreshes this long: stock and prices change under them. */
const CATALOG_TTL_MS = 60_000;
const catalogs = new WeakMap<Db, { at: number; view: CatalogView }>();

/** The catalogue entries earlier refreshes read, started afresh once a minute. */
function recentCatalog(deps: AppDeps): CatalogView {
  const now = Date.now();
  let kept = catalogs.get(deps.db);
  if (!kept || now - kept.at > CATALOG_TTL_MS) {
    kept = { at: now, view: { items: new Map(), complete: false } };
    catalogs.set(deps.db, kept);
  }
  return kept.view;
}

/** The profiles of stored events whose names can change a personal list (views, cart adds, orders). */
export function profilesWithProductEvents(
  rows: ReadonlyArray<{ profileId: string; name?: string | null }>,
): string[] {
  const out = new Set<string>();
  for (const row of rows) if (row.name && RECOMMENDATION_EVENT_NAMES.has(row.name)) out.add(row.profileId);
  return [...out];
}

/**
 * Rescores these profiles' personal lists from the stored shared lists (no refit). Before the first
 * full run there is nothing to score against and it does nothing. Throws when it cannot: the
 * refresh queue (refresh-queue.ts) keeps the profiles for its next drain.
 */
export async function rescoreProfiles(
  deps: AppDeps,
  profileIds: readonly string[],
): Promise<{ profiles: number }> {
  if (profileIds.length === 0) return { profiles: 0 };
  const [fitted] = await queryRows<{ at: number }>(
    deps.db,
    `select computed_at as at from recommendation_lists where key = 'global'`,
    [],
  );
  if (!fitted) return { profiles: 0 };
  const settings = (await loadSettings(deps)).recommendations;
  const model = storedModel(deps, fitted.at);
  const catalog = recentCatalog(deps);
  const ids = await liveProfiles(deps, profileIds);
  let profiles = 0;
  for (let i = 0; i < ids.length; i += RECOMMENDATION_PAGE_SIZE) {
    const page = ids.slice(i, i + RECOMMENDATION_PAGE_SIZE);
    const { rows } = await scoreProfiles(
      deps,
      page,
      { ids: page },
      model,
      catalog,
      settings,
      deps.now().getTime(),
    );
    await atomic(deps.db, profileRowWrites(deps, rows));
    profiles += rows.length;
  }
  return { profiles };
}
