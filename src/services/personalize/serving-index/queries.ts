import { placeholders } from '../../../db/raw-select.js';
import { PROFILE_COLUMNS, PROFILE_JOINS } from '../profile-query.js';

/**
 * The serving index's reads. The profile columns are the webhook's own (profile-query.ts), so a
 * held profile and one read for a miss are the same row. Only the identifier types the webhook
 * can be asked by are held: anonymous ids never come in a send URL.
 */
const WEBHOOK_KEY_TYPES = `(type in ('email', 'phone', 'user_id') or type like 'external:%')`;

/** Live profiles after `?` in id order, `?` of them: one page of the full load. */
export const LIVE_PROFILES_PAGE = `select ${PROFILE_COLUMNS} from profiles p ${PROFILE_JOINS}
  where p.id > ? and p.merged_into is null and p.deleted_at is null order by p.id limit ?`;

/** The webhook's identity keys of the profiles with ids in (`?`, `?`]: one page's keys. */
export const KEYS_IN_ID_RANGE = `select key, profile_id as profileId from identities
  where profile_id > ? and profile_id <= ? and ${WEBHOOK_KEY_TYPES}`;

export function profilesWithIds(n: number): string {
  return `select ${PROFILE_COLUMNS} from profiles p ${PROFILE_JOINS} where p.id in (${placeholders(n)})`;
}

export function keysOfProfiles(n: number): string {
  return `select key, profile_id as profileId from identities
    where profile_id in (${placeholders(n)}) and ${WEBHOOK_KEY_TYPES}`;
}

/** The change log after the watermark, oldest first. */
export const CHANGES_AFTER =
  'select seq, profile_id as profileId from serving_changes where seq > ? order by seq limit ?';

/** The last sequence number handed out (0 before the first change), pruned rows included. */
export const LAST_CHANGE_SEQ = `select seq from sqlite_sequence where name = 'serving_changes'`;

/** The oldest change still in the log (null when empty). */
export const FIRST_CHANGE_SEQ = 'select min(seq) as seq from serving_changes';
