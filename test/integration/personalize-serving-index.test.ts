import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { rawSelect } from '../../src/db/raw-select.js';
import * as schema from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { recomputeRecommendations } from '../../src/recommend/serving/index.js';
import { CRON_SCHEDULES } from '../../src/scheduler/crons.js';
import { runScheduled } from '../../src/scheduler/jobs.js';
import { servingCacheFor } from '../../src/services/personalize/serving-cache.js';
import {
  type ServingIndex,
  startServingIndex,
} from '../../src/services/personalize/serving-index/serving-index.js';
import { warmServingCache } from '../../src/services/personalize/serving-index/warm.js';
import type { TestApp } from '../helpers/test-app.js';
import { createShopApp, NOW } from '../unit/personalize/fixtures.js';

/**
 * The webhook's profiles held in memory: the same answers as reading the database, and every write
 * that changes an answer (names, merges, erasure, lists, memberships) followed through the change
 * log the triggers write, whoever made it.
 */
let t: TestApp;
let key: string;
let index: ServingIndex;
beforeEach(async () => {
  t = await createShopApp();
  key = await t.keyFor('personalize');
  // Polling off (a long interval): each test applies the log itself with catchUp().
  index = startServingIndex(t.deps.db, t.deps.logger, { pollMs: 3_600_000, pageSize: 7, changePageSize: 5 });
  await index.loaded();
});
afterEach(async () => {
  index.close();
  await t.close();
});

const emailKey = (email: string) => `email\u001f${email}`;
/** A CRM update of one person's traits, as ingest takes it. */
const fromCrm = (email: string, traits: Record<string, string>) => ({
  source: 'crm',
  identifiers: { email },
  observedAt: NOW,
  traits,
});
const PATHS = [
  '/v1/personalize?email=shoes3@example.com&slots=hero,recs&n=4&send_id=s1',
  '/v1/personalize?email=quiet@example.com&slots=recs&send_id=s1',
  '/v1/personalize?email=nobody@example.com&slots=recs&send_id=s1',
  '/v1/personalize?email=books7@example.com&slots=recs,popular&format=text&send_id=s1',
  '/v1/personalize?email=hats2@example.com&slots=cart_recovery,recs&send_id=s1',
];

async function answer(path: string) {
  const response = await t.app.request(path, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, text: await response.text(), etag: response.headers.get('etag') };
}
const json = async (path: string) => JSON.parse((await answer(path)).text);
const live = async () =>
  (
    await rawSelect<{ n: number }>(
      t.deps.db,
      'select count(*) as n from profiles where merged_into is null and deleted_at is null',
      [],
    )
  )[0]!.n;

describe('serving index', () => {
  it('holds every live profile by its webhook keys and gives the same answers as the database', async () => {
    expect(index.status()).toMatchObject({ state: 'ready', profiles: await live(), loads: 1 });
    const fromDatabase = [];
    for (const path of PATHS) fromDatabase.push(await answer(path));
    t.deps.servingIndex = index;
    for (const [i, path] of PATHS.entries()) expect(await answer(path)).toEqual(fromDatabase[i]);
    // Four held recipients from memory; the unknown one was left to the database.
    expect(index.status()).toMatchObject({ hits: 4, misses: 1 });
    expect(index.get({ byId: false, key: emailKey('shoes3@example.com') })?.items?.length).toBeGreaterThan(0);
  });

  it('follows renames, merges and erasure written by ingest and the erase API', async () => {
    t.deps.servingIndex = index;
    expect((await json('/v1/personalize?email=quiet@example.com&send_id=s')).profile.firstName).toBe('Quinn');
    await ingest(t.deps, [fromCrm('quiet@example.com', { first_name: 'Q' })]);
    // Until the log is applied the held copy answers; after it, the new name.
    expect((await json('/v1/personalize?email=quiet@example.com&send_id=s')).profile.firstName).toBe('Quinn');
    await index.catchUp();
    expect((await json('/v1/personalize?email=quiet@example.com&send_id=s')).profile.firstName).toBe('Q');

    // Two people joined by a shared user id: both emails lead to the survivor, the other is let go.
    const hats = index.get({ byId: false, key: emailKey('hats1@example.com') })!;
    const books = index.get({ byId: false, key: emailKey('books1@example.com') })!;
    await ingest(t.deps, [
      { source: 'app', identifiers: { email: 'hats1@example.com', userId: 'u-1' }, observedAt: NOW },
      { source: 'app', identifiers: { email: 'books1@example.com', userId: 'u-1' }, observedAt: NOW },
    ]);
    await index.catchUp();
    const viaHats = index.get({ byId: false, key: emailKey('hats1@example.com') });
    const viaBooks = index.get({ byId: false, key: emailKey('books1@example.com') });
    expect(viaHats?.id).toBe(viaBooks?.id);
    const loser = viaHats?.id === hats.id ? books.id : hats.id;
    expect(index.get({ byId: true, key: loser })).toBeUndefined();
    expect(index.get({ byId: false, key: `user_id\u001fu-1` })?.id).toBe(viaHats?.id);
    // The merged-away id is not held; the database resolves it to the survivor.
    expect((await json(`/v1/personalize?profile_id=${loser}&send_id=s`)).profile.id).toBe(viaHats?.id);

    expect((await t.call('DELETE', `/v1/profiles/${viaHats!.id}`)).status).toBeLessThan(300);
    await index.catchUp();
    expect(index.get({ byId: false, key: emailKey('hats1@example.com') })).toBeUndefined();
    expect(await json('/v1/personalize?email=hats1@example.com&send_id=s')).toMatchObject({
      fallback: true,
      reason: 'unknown_profile',
    });
    expect(index.status().profiles).toBe(await live());
  });

  it('follows recomputed lists and memberships, and takes in profiles created after the load', async () => {
    t.deps.servingIndex = index;
    const before = await json('/v1/personalize?email=shoes3@example.com&slots=recs&n=4&send_id=s');
    const shoes3 = index.get({ byId: false, key: emailKey('shoes3@example.com') })!;
    await t.deps.db.run(
      sql.raw(
        `update profile_recommendations set items_json = '[{"productId":"books-1","score":1},{"productId":"books-2","score":0.5}]' where profile_id = '${shoes3.id}'`,
      ),
    );
    await index.catchUp();
    const after = await json('/v1/personalize?email=shoes3@example.com&slots=recs&n=4&send_id=s');
    expect(after.slots.recs.items.slice(0, 2).map((item: { id: string }) => item.id)).toEqual([
      'books-1',
      'books-2',
    ]);
    expect(after).not.toEqual(before);

    await t.deps.db.run(sql.raw(`delete from segment_memberships where profile_id = '${shoes3.id}'`));
    await index.catchUp();
    expect(index.get({ byId: true, key: shoes3.id })?.segments).toBeNull();

    // A new customer: not held (a miss reads the database) until a change to it is logged.
    await ingest(t.deps, [fromCrm('newcomer@example.com', { first_name: 'Nia' })]);
    await index.catchUp();
    expect(index.get({ byId: false, key: emailKey('newcomer@example.com') })).toBeUndefined();
    expect((await json('/v1/personalize?email=newcomer@example.com&send_id=s')).profile.firstName).toBe(
      'Nia',
    );
    await recomputeRecommendations(t.deps);
    await index.catchUp();
    expect(index.get({ byId: false, key: emailKey('newcomer@example.com') })?.firstName).toBe('Nia');
    expect(index.status().profiles).toBe(await live());
  });

  it('prunes what it applied, and reloads everything when rows were pruned before it read them', async () => {
    await ingest(t.deps, [fromCrm('quiet@example.com', { last_name: 'Q' })]);
    await index.catchUp();
    const count = async () =>
      (await rawSelect<{ n: number }>(t.deps.db, 'select count(*) as n from serving_changes', []))[0]!.n;
    expect(index.status().changesApplied).toBeGreaterThan(0);
    expect(await count()).toBe(0);

    await ingest(t.deps, [
      fromCrm('quiet@example.com', { last_name: 'R' }),
      fromCrm('shoes1@example.com', { last_name: 'S' }),
    ]);
    // Someone else prunes the first of them: the index cannot know what it missed.
    await t.deps.db.run(
      sql.raw('delete from serving_changes where seq = (select min(seq) from serving_changes)'),
    );
    await index.catchUp();
    expect(index.status()).toMatchObject({ state: 'ready', loads: 2 });
    expect(index.get({ byId: false, key: emailKey('quiet@example.com') })?.lastName).toBe('R');
    expect(t.logLines.some((line) => line.includes('change log pruned past what it had read'))).toBe(true);

    // A segment gaining a group makes memberships nobody reported count: everything is read again.
    await t.deps.db.run(
      sql.raw(
        `insert into segments (id, name, group_name, rule_json, version, created_at, updated_at) values ('seg_plain', 'Plain', null, '{}', 1, 0, 0)`,
      ),
    );
    await t.deps.db.run(sql.raw(`update segments set group_name = 'tier' where id = 'seg_plain'`));
    await index.catchUp();
    expect(index.status()).toMatchObject({ state: 'ready', loads: 3 });
  });

  it('is told of the changes that alter an answer, and not of the ones that do not', async () => {
    index.close();
    const logged = async () => {
      const rows = await rawSelect<{ profileId: string }>(
        t.deps.db,
        'select profile_id as profileId from serving_changes',
        [],
      );
      await t.deps.db.run(sql.raw('delete from serving_changes'));
      return rows.map((row) => row.profileId);
    };
    await logged();
    const quiet = (
      await rawSelect<{ id: string }>(
        t.deps.db,
        `select profile_id as id from identities where key = '${emailKey('quiet@example.com')}'`,
        [],
      )
    )[0]!.id;
    const change = async (statement: string) => {
      await t.deps.db.run(sql.raw(statement.replaceAll('$id', quiet)));
      return logged();
    };
    // Every table the webhook reads has a row for the profile (inserts are logged too).
    await change(`insert or ignore into profile_scores (profile_id, updated_at) values ('$id', 0)`);
    await change(`insert or ignore into profile_metrics (profile_id, updated_at) values ('$id', 0)`);
    // Traits other than the names, counters and timestamps: no answer changes.
    expect(
      await change(
        `update profiles set traits_json = json_set(traits_json, '$.plan', 'gold') where id = '$id'`,
      ),
    ).toEqual([]);
    expect(
      await change(
        `update profile_metrics set event_count = event_count + 1, last_event_at = 1 where profile_id = '$id'`,
      ),
    ).toEqual([]);
    expect(
      await change(`update profile_scores set clv = 12.5, updated_at = 2 where profile_id = '$id'`),
    ).toEqual([]);
    // What the webhook shows: logged once per changed row.
    expect(
      await change(
        `update profiles set traits_json = json_set(traits_json, '$.first_name', 'Quincy') where id = '$id'`,
      ),
    ).toEqual([quiet]);
    expect(
      await change(`update profile_metrics set last_viewed_category = 'zz-new' where profile_id = '$id'`),
    ).toEqual([quiet]);
    expect(await change(`update profile_scores set rfm_group = 'zz-new' where profile_id = '$id'`)).toEqual([
      quiet,
    ]);
    expect(
      await change(`update profile_recommendations set confidence = 0.99 where profile_id = '$id'`),
    ).toEqual([quiet]);
    // Memberships count only in segments with a group (primary segments); a grouping change reloads all.
    await change(
      `insert into segments (id, name, group_name, rule_json, version, created_at, updated_at) values ('seg_grouped', 'Grouped', 'tier', '{}', 1, 0, 0), ('seg_plain', 'Plain', null, '{}', 1, 0, 0)`,
    );
    expect(
      await change(
        `insert into segment_memberships (segment_id, profile_id, entered_at) values ('seg_grouped', '$id', 0)`,
      ),
    ).toEqual([quiet]);
    expect(
      await change(
        `insert into segment_memberships (segment_id, profile_id, entered_at) values ('seg_plain', '$id', 0)`,
      ),
    ).toEqual([]);
    expect(await change(`delete from segment_memberships where profile_id = '$id'`)).toEqual([quiet]);
    expect(await change(`update segments set priority = 5 where id = 'seg_plain'`)).toEqual([]);
    expect(await change(`update segments set group_name = 'tier' where id = 'seg_plain'`)).toEqual(['*']);
    expect(await change(`update identities set profile_id = 'prof_other' where profile_id = '$id'`)).toEqual([
      quiet,
      'prof_other',
    ]);
    expect(await change(`delete from identities where profile_id = 'prof_other'`)).toEqual(['prof_other']);
    expect(await change(`update profiles set deleted_at = 1 where id = '$id'`)).toEqual([quiet]);
  });

  it('forgets changes older than a day on the hourly cron where nothing applies them', async () => {
    index.close();
    await t.deps.db.run(sql.raw('delete from serving_changes'));
    const now = Math.floor(NOW.getTime() / 1000);
    await t.deps.db.run(
      sql.raw(
        `insert into serving_changes (profile_id, at) values ('old', ${now - 90_000}), ('recent', ${now - 3_600}), ('new', ${now})`,
      ),
    );
    await runScheduled(t.deps, CRON_SCHEDULES.servingChangesPrune);
    const left = await rawSelect<{ id: string }>(
      t.deps.db,
      'select profile_id as id from serving_changes order by seq',
      [],
    );
    expect(left.map((row) => row.id)).toEqual(['recent', 'new']);
  });

  it('answers nothing while it cannot load, and sends read the database', async () => {
    const empty = new Database(join(t.dataDir, 'empty.db'));
    const broken = startServingIndex(drizzle(empty, { schema }) as unknown as Db, t.deps.logger);
    await broken.loaded();
    expect(broken.status()).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/no such table/),
    });
    expect(broken.get({ byId: false, key: emailKey('shoes3@example.com') })).toBeUndefined();
    const fromDatabase = await answer(PATHS[0]!);
    t.deps.servingIndex = broken;
    expect(await answer(PATHS[0]!)).toEqual(fromDatabase);
    broken.close();
    empty.close();
  });
});

describe('products on the send path (Node)', () => {
  it('serves an expired product as last read while one background read refreshes it', async () => {
    await t.call('PUT', '/v1/admin/settings/recommendations', { body: { webhook: { memoryTtlSeconds: 1 } } });
    const hero = async () =>
      (await json('/v1/personalize?email=quiet@example.com&slots=hero&send_id=s')).slots.hero.items[0];
    const first = await hero();
    const rename = await t.call('PUT', '/v1/catalog/products', {
      body: {
        products: [
          { id: first.id, title: 'Renamed', category: first.id.split('-')[0], price: 10, currency: 'EUR' },
        ],
      },
    });
    expect(rename.status).toBe(200);
    expect((await hero()).title).toBe(first.title);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Expired: this send still gets the old entry (no read on its path) and queues the re-read…
    expect((await hero()).title).toBe(first.title);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // …which the next send sees.
    expect((await hero()).title).toBe('Renamed');
  });

  it('reads a shared list once for the sends that miss it together, and again once it expires', async () => {
    const cache = servingCacheFor(t.deps);
    cache.clear();
    const burst = await Promise.all(
      [0, 1, 2].map(() => cache.listsByKey(t.deps, ['global', 'no-such-list', 'global'], 60_000)),
    );
    const first = burst[0]!.get('global');
    expect(first?.products.length).toBeGreaterThan(0);
    // One read: every send of the burst holds the very same parsed list.
    for (const lists of burst) {
      expect(lists.get('global')).toBe(first);
      expect(lists.has('no-such-list')).toBe(false);
    }
    expect((await cache.listsByKey(t.deps, ['global'], 60_000)).get('global')).toBe(first);
    // Expired (read with a TTL of 0, so it expires at once): read again.
    cache.clear();
    const again = (await cache.listsByKey(t.deps, ['global'], 0)).get('global');
    const later = (await cache.listsByKey(t.deps, ['global'], 0)).get('global');
    expect(again).toEqual(first);
    expect(later).not.toBe(again);
  });

  it('keeps the entries of products that did not change when it reads them again', async () => {
    const cache = servingCacheFor(t.deps);
    const ids = await rawSelect<{ id: string }>(t.deps.db, 'select id from products order by id', []);
    const slots = ids.map(({ id }) => cache.productSlot(id));
    const first = await cache.readProducts(t.deps, slots, 0);
    const renamed = ids[0]!.id;
    const rename = await t.call('PUT', '/v1/catalog/products', {
      body: { products: [{ id: renamed, title: 'Renamed again', price: 10, currency: 'EUR' }] },
    });
    expect(rename.status).toBe(200);
    const again = await cache.readProducts(t.deps, slots, 0);
    for (const slot of slots) {
      if (slot.id === renamed) {
        expect(again.get(slot)).not.toBe(first.get(slot));
        expect(again.get(slot)?.title).toBe('Renamed again');
      } else {
        expect(again.get(slot)).toBe(first.get(slot));
      }
    }
  });

  it('reads the whole catalogue into memory at start', async () => {
    await warmServingCache(t.deps);
    const ids = await rawSelect<{ id: string }>(t.deps.db, 'select id from products', []);
    const cache = servingCacheFor(t.deps);
    const held = ids.map(({ id }) =>
      cache.productForAnswer(t.deps, cache.productSlot(id), Date.now(), 60_000),
    );
    expect(held.every((entry) => entry?.id !== undefined)).toBe(true);
    expect(ids.length).toBeGreaterThan(10);
    expect(t.logLines.some((line) => line.includes('catalogue read into memory'))).toBe(true);
  });
});
