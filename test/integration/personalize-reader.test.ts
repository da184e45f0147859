import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawSelect } from '../../src/db/raw-select.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { type ProfileRow, readProfileRow } from '../../src/services/personalize/profile-query.js';
import { createProfileReader, type ProfileReader } from '../../src/services/personalize/profile-reader.js';
import type { TestApp } from '../helpers/test-app.js';
import { createShopApp, NOW } from '../unit/personalize/fixtures.js';

/**
 * The webhook's profile reads on the reader thread (Node, embedded file): the same rows and answers
 * as reading inline, committed writes seen at once, and a reader that fails never fails a send.
 */
let t: TestApp;
let key: string;
let reader: ProfileReader;
beforeEach(async () => {
  t = await createShopApp();
  key = await t.keyFor('personalize');
  reader = createProfileReader(join(t.dataDir, 'test.db'));
});
afterEach(async () => {
  await reader.close();
  await t.close();
});

const inline = (lookup: { byId: boolean; key: string }) =>
  readProfileRow(async (sql, k) => (await rawSelect<ProfileRow>(t.deps.db, sql, [k]))[0], lookup);
const emailKey = (email: string) => `email\u001f${email}`;

async function answer(path: string) {
  const response = await t.app.request(path, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, text: await response.text() };
}

describe('profile reader thread', () => {
  it('reads the same rows as the inline query, many lookups of one turn batched together', async () => {
    const lookups = ['shoes', 'hats', 'books'].flatMap((category) =>
      Array.from({ length: 20 }, (_, p) => ({ byId: false, key: emailKey(`${category}${p}@example.com`) })),
    );
    lookups.push({ byId: false, key: emailKey('nobody@example.com') });
    const viaReader = await Promise.all(lookups.map((lookup) => reader.read(lookup)));
    const viaInline = await Promise.all(lookups.map(inline));
    expect(viaReader).toEqual(viaInline);
    expect(viaReader.filter((row) => row !== undefined)).toHaveLength(60);
    expect(viaReader.at(-1)).toBeUndefined();
    expect(viaReader[0]?.items).toMatch(/^\[/);
  });

  it('gives the webhook the same answers as reading inline', async () => {
    const paths = [
      '/v1/personalize?email=shoes3@example.com&slots=hero,recs&n=4&send_id=s1',
      '/v1/personalize?email=quiet@example.com&slots=recs&send_id=s1',
      '/v1/personalize?email=nobody@example.com&slots=recs&send_id=s1',
      '/v1/personalize?email=books7@example.com&slots=recs&format=text&send_id=s1',
    ];
    const before = [];
    for (const path of paths) before.push(await answer(path));
    await warm(reader);
    t.deps.profileReader = reader;
    for (const [i, path] of paths.entries()) expect(await answer(path)).toEqual(before[i]);
    expect(JSON.parse(before[1]!.text).profile.firstName).toBe('Quinn');
  });

  it('sees writes committed on the main connection, merges and erasures included', async () => {
    await warm(reader);
    t.deps.profileReader = reader;
    const first = JSON.parse((await answer('/v1/personalize?email=quiet@example.com&send_id=s')).text);
    expect(first.profile.firstName).toBe('Quinn');
    await ingest(t.deps, [
      {
        source: 'crm',
        identifiers: { email: 'quiet@example.com' },
        observedAt: NOW,
        traits: { first_name: 'Q' },
      },
    ]);
    const renamed = JSON.parse((await answer('/v1/personalize?email=quiet@example.com&send_id=s')).text);
    expect(renamed.profile.firstName).toBe('Q');

    // Two people joined by a shared user id: the merged-away id resolves to the survivor.
    const hats = (await reader.read({ byId: false, key: emailKey('hats1@example.com') }))!;
    const books = (await reader.read({ byId: false, key: emailKey('books1@example.com') }))!;
    await ingest(t.deps, [
      { source: 'app', identifiers: { email: 'hats1@example.com', userId: 'u-1' }, observedAt: NOW },
      { source: 'app', identifiers: { email: 'books1@example.com', userId: 'u-1' }, observedAt: NOW },
    ]);
    const viaHats = await reader.read({ byId: true, key: hats.id });
    const viaBooks = await reader.read({ byId: true, key: books.id });
    expect(viaHats?.id).toBe(viaBooks?.id);
    expect([hats.id, books.id]).toContain(viaHats?.id);

    const erased = await t.call('DELETE', `/v1/profiles/${viaHats!.id}`);
    expect(erased.status).toBeLessThan(300);
    expect(await reader.read({ byId: true, key: viaHats!.id })).toBeUndefined();
    const after = JSON.parse((await answer('/v1/personalize?email=hats1@example.com&send_id=s')).text);
    expect(after).toMatchObject({ fallback: true, reason: 'unknown_profile' });
  });

  it('leaves sends to the inline read while it cannot start, and after a failed read', async () => {
    const unopenable = createProfileReader(join(t.dataDir, 'missing.db'), t.deps.logger);
    await expect(unopenable.read({ byId: false, key: emailKey('shoes3@example.com') })).rejects.toThrow();
    expect(unopenable.available()).toBe(false);
    expect(t.logLines.some((line) => line.includes('profile reader thread failed'))).toBe(true);
    t.deps.profileReader = unopenable;
    const inlineAnswer = await answer('/v1/personalize?email=shoes3@example.com&slots=recs&send_id=s1');
    expect(JSON.parse(inlineAnswer.text)).toMatchObject({
      fallback: false,
      profile: { id: expect.any(String) },
    });
    await unopenable.close();

    // A file without the tables opens, then every read fails: each send is read inline instead.
    writeFileSync(join(t.dataDir, 'empty.db'), '');
    const failing = createProfileReader(join(t.dataDir, 'empty.db'));
    await expect(failing.read({ byId: false, key: emailKey('shoes3@example.com') })).rejects.toThrow(
      /no such table/,
    );
    expect(failing.available()).toBe(true);
    t.deps.profileReader = failing;
    expect(await answer('/v1/personalize?email=shoes3@example.com&slots=recs&send_id=s1')).toEqual(
      inlineAnswer,
    );
    expect(t.logLines.some((line) => line.includes('profile reader failed'))).toBe(true);
    await failing.close();
  });
});

/** Waits until the thread is up (a read waits for it), so the webhook takes the reader path. */
async function warm(profileReader: ProfileReader) {
  await profileReader.read({ byId: false, key: emailKey('warm-up@example.com') });
  expect(profileReader.available()).toBe(true);
}
