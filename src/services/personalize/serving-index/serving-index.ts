import { lte } from 'drizzle-orm';
import { padToBucket } from '../../../db/chunk.js';
import type { Db } from '../../../db/client.js';
import { rawSelect } from '../../../db/raw-select.js';
import { servingChanges } from '../../../db/schema/index.js';
import { errorFields, type Logger } from '../../../lib/logger.js';
import type { ProfileLookup, ProfileRow } from '../profile-query.js';
import { type ServedProfile, servedFromRow } from '../served-profile.js';
import { servingCacheFor } from '../serving-cache.js';
import { ProfileIndex } from './profile-index.js';
import {
  CHANGES_AFTER,
  FIRST_CHANGE_SEQ,
  KEYS_IN_ID_RANGE,
  keysOfProfiles,
  LAST_CHANGE_SEQ,
  LIVE_PROFILES_PAGE,
  profilesWithIds,
} from './queries.js';

/**
 * The send-time webhook's profiles held in memory (Node, embedded database): loaded page by page
 * at start, then kept current from the change log the database's triggers write
 * (src/db/schema/serving.ts), polled every `pollMs`. A send for a held profile costs a hash-table
 * lookup (profile-index.ts) instead of a multi-table read. Until the load is done, after a failure, and for any profile it
 * does not hold, `get` answers undefined and the webhook reads the database as before.
 *
 * Consistency: a held profile is at most one poll (plus the time to apply what it found) behind
 * the database, the same class of staleness as the precomputed lists themselves. Nothing is
 * missed: the log is contiguous (AUTOINCREMENT), and a gap after the watermark (rows pruned before
 * they were read) makes the index reload everything.
 */
export interface ServingIndex {
  get(lookup: ProfileLookup): ServedProfile | undefined;
  status(): ServingIndexStatus;
  /** Applies what the change log holds now (the timer does this every `pollMs`). */
  catchUp(): Promise<void>;
  /** Resolves when the first load has finished (or failed). */
  loaded(): Promise<void>;
  close(): void;
}

export interface ServingIndexStatus {
  state: 'loading' | 'ready' | 'failed' | 'closed';
  profiles: number;
  keys: number;
  /** Memory the index holds outside the JavaScript heap (records and tables), in bytes. */
  bytes: number;
  /** Profiles too large to hold (a record over 2 MB, e.g. a huge cart): their sends read the database. */
  tooLarge: number;
  /** The last change applied. */
  watermark: number;
  changesApplied: number;
  /** Full loads, the first included. */
  loads: number;
  lastLoadSeconds: number | null;
  lastError: string | null;
  /** Lookups answered from memory, and lookups left to the database (not ready, or not held). */
  hits: number;
  misses: number;
}

export interface ServingIndexOptions {
  /** Profiles per page of the full load (default 2,000). */
  pageSize?: number;
  /**
   * Changes per page of catching up (default 250): each page blocks sends while its profiles are
   * read back, so a nightly run's million changes are applied in short steps between requests.
   */
  changePageSize?: number;
  /** How often the change log is read (default 250 ms). */
  pollMs?: number;
}

const PRUNE_STEP = 20_000;
/** Written by the segments trigger: which memberships count changed, so everything is read again. */
const RELOAD_ALL = '*';
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 300_000;

/** Lets the event loop answer requests between pages of a long load. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

export function startServingIndex(db: Db, logger: Logger, options: ServingIndexOptions = {}): ServingIndex {
  const pageSize = options.pageSize ?? 2_000;
  const changePageSize = options.changePageSize ?? 250;
  const pollMs = options.pollMs ?? 250;
  // Profiles point at the products the sends of this database share (serving-cache.ts).
  const { productSlot, products } = servingCacheFor({ db });
  let index: ProfileIndex | undefined;
  let state: ServingIndexStatus['state'] = 'loading';
  let watermark = 0;
  let changesApplied = 0;
  let loads = 0;
  let lastLoadSeconds: number | null = null;
  let lastError: string | null = null;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;
  let hits = 0;
  let misses = 0;
  let busy: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  async function lastSeq(): Promise<number> {
    const [row] = await rawSelect<{ seq: number }>(db, LAST_CHANGE_SEQ, []);
    return row?.seq ?? 0;
  }

  /** Reads every live profile into a new index; the old one stops answering first (it may be stale). */
  async function load(): Promise<void> {
    state = 'loading';
    index = undefined;
    const started = performance.now();
    // Changes from here on are applied after the load: applying one twice is harmless.
    const from = await lastSeq();
    const fresh = new ProfileIndex(products);
    let after = '';
    for (;;) {
      const rows = await rawSelect<ProfileRow>(db, LIVE_PROFILES_PAGE, [after, pageSize]);
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!.id;
      const keys = keysByProfile(await rawSelect<KeyRow>(db, KEYS_IN_ID_RANGE, [after, last]));
      for (const row of rows) fresh.put(servedFromRow(row, productSlot), keys.get(row.id) ?? []);
      after = last;
      if (closed) return;
      await yieldToRequests();
    }
    if (closed) return;
    index = fresh;
    watermark = from;
    loads++;
    lastLoadSeconds = (performance.now() - started) / 1000;
    state = 'ready';
    await pruneLoaded();
    logger.info('serving index loaded', {
      profiles: fresh.profiles,
      keys: fresh.keys,
      seconds: Number(lastLoadSeconds.toFixed(1)),
    });
  }

  /** Applies the log after the watermark, a page at a time; a gap means reloading everything. */
  async function applyChanges(): Promise<void> {
    for (;;) {
      if (state !== 'ready' || !index) return;
      // Space that replaced profiles gave up is reclaimed a chunk per page, between sends.
      index.compactStep();
      const changes = await rawSelect<{ seq: number; profileId: string }>(db, CHANGES_AFTER, [
        watermark,
        changePageSize,
      ]);
      if (changes.length === 0) return;
      if (changes[0]!.seq !== watermark + 1) {
        logger.warn('serving index: change log pruned past what it had read; reloading', {
          watermark,
          next: changes[0]!.seq,
        });
        await load();
        return;
      }
      if (changes.some((change) => change.profileId === RELOAD_ALL)) {
        logger.info('serving index: a segment gained or lost its group; reloading');
        await load();
        return;
      }
      await reload(index, [...new Set(changes.map((change) => change.profileId))]);
      watermark = changes[changes.length - 1]!.seq;
      changesApplied += changes.length;
      // What was just applied: one page of rows, contiguous up to the watermark.
      await db.delete(servingChanges).where(lte(servingChanges.seq, watermark));
      if (changes.length < changePageSize) return;
      await yieldToRequests();
    }
  }

  /** Lets go of `ids` and holds again those still live, with their keys as they are now. */
  async function reload(into: ProfileIndex, ids: string[]): Promise<void> {
    // Padded to a power of two: a handful of statement texts, each compiled once.
    const padded = padToBucket(ids, Number.MAX_SAFE_INTEGER);
    const rows = await rawSelect<ProfileRow>(db, profilesWithIds(padded.length), padded);
    const keys = keysByProfile(await rawSelect<KeyRow>(db, keysOfProfiles(padded.length), padded));
    // Every eviction before any put: a key a merge moved goes to the survivor whatever the order.
    for (const id of ids) into.evict(id);
    for (const row of rows) {
      if (row.mergedInto !== null || row.deletedAt !== null) continue;
      into.put(servedFromRow(row, productSlot), keys.get(row.id) ?? []);
    }
  }

  /**
   * After a load, the log up to its watermark is not needed again (possibly a nightly run's
   * million rows). One server follows one embedded file, so the follower prunes as it goes; the
   * scheduler prunes by age where nothing follows (D1, libSQL).
   */
  async function pruneLoaded(): Promise<void> {
    for (;;) {
      const [oldest] = await rawSelect<{ seq: number | null }>(db, FIRST_CHANGE_SEQ, []);
      if (oldest?.seq == null || oldest.seq > watermark) return;
      // In steps, so a million changes left by a nightly run do not hold the thread for seconds.
      const through = Math.min(watermark, oldest.seq + PRUNE_STEP - 1);
      await db.delete(servingChanges).where(lte(servingChanges.seq, through));
      if (through === watermark) return;
      await yieldToRequests();
    }
  }

  function fail(error: unknown): void {
    if (closed) return;
    state = 'failed';
    index = undefined;
    lastError = error instanceof Error ? error.message : String(error);
    logger.error('serving index failed; sends read the database until it reloads', {
      retryInMs: retryMs,
      ...errorFields(error),
    });
    retryTimer = setTimeout(() => run(load), retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  /** One job at a time: a poll while loading or applying waits for the next tick. */
  function run(job: () => Promise<void>): Promise<void> {
    if (busy) return busy;
    busy = job()
      .then(() => {
        if (state === 'ready') retryMs = FIRST_RETRY_MS;
      }, fail)
      .finally(() => {
        busy = undefined;
      });
    return busy;
  }

  const firstLoad = run(load);
  const timer = setInterval(() => {
    if (state === 'ready') void run(applyChanges);
  }, pollMs);
  timer.unref();

  return {
    get(lookup) {
      const held = state === 'ready' ? index?.get(lookup) : undefined;
      if (held) hits++;
      else misses++;
      return held;
    },
    status: () => ({
      state,
      profiles: index?.profiles ?? 0,
      keys: index?.keys ?? 0,
      bytes: index?.bytes ?? 0,
      tooLarge: index?.tooLarge ?? 0,
      watermark,
      changesApplied,
      loads,
      lastLoadSeconds,
      lastError,
      hits,
      misses,
    }),
    catchUp: async () => {
      await busy;
      await run(applyChanges);
    },
    loaded: () => firstLoad,
    close() {
      closed = true;
      state = 'closed';
      index = undefined;
      clearInterval(timer);
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}

interface KeyRow {
  key: string;
  profileId: string;
}

function keysByProfile(rows: readonly KeyRow[]): Map<string, string[]> {
  const byProfile = new Map<string, string[]>();
  for (const { key, profileId } of rows) {
    const keys = byProfile.get(profileId);
    if (keys) keys.push(key);
    else byProfile.set(profileId, [key]);
  }
  return byProfile;
}
