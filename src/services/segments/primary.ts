import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect } from '../../db/raw-select.js';

/**
 * Each profile's primary segment per group: of the segments in a group the profile is a member
 * of, the one with the highest priority (ties: the older segment id). Profile id → group → segment name.
 */
export async function primarySegments(
  deps: AppDeps,
  profileIds: readonly string[],
): Promise<Map<string, Map<string, { id: string; name: string }>>> {
  const rows = await selectInChunks([...profileIds], deps.sqlParamLimit, (chunk) =>
    rawSelect<{ profileId: string; groupName: string; id: string; name: string; priority: number }>(
      deps.db,
      `select m.profile_id as profileId, s.group_name as groupName, s.id as id, s.name as name, s.priority as priority
       from segment_memberships m join segments s on s.id = m.segment_id
       where s.group_name is not null and s.enabled = 1 and m.profile_id in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  const best = new Map<string, Map<string, { id: string; name: string; priority: number }>>();
  for (const row of rows) {
    const groups =
      best.get(row.profileId) ?? new Map<string, { id: string; name: string; priority: number }>();
    const current = groups.get(row.groupName);
    if (
      !current ||
      row.priority > current.priority ||
      (row.priority === current.priority && row.id < current.id)
    ) {
      groups.set(row.groupName, { id: row.id, name: row.name, priority: row.priority });
    }
    best.set(row.profileId, groups);
  }
  return new Map(
    [...best].map(([profileId, groups]) => [
      profileId,
      new Map([...groups].map(([group, { id, name }]) => [group, { id, name }])),
    ]),
  );
}
