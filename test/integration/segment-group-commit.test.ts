import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema/index.js';
import type { IngestRecord } from '../../src/ingest/types.js';
import { ingestGrouped, ticket } from '../../src/routes/segment/group-commit.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { mid, send } from './segment-fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const track = (user: string, messageId = mid()): IngestRecord => ({
  source: 'segment',
  identifiers: { userId: user },
  observedAt: new Date('2026-01-01T00:00:00Z'),
  event: { messageId, type: 'track', name: 'Signed In', properties: {} },
});

describe('group commit', () => {
  it('answers each of many concurrent requests with its own results', async () => {
    const key = await t.keyFor('ingest');
    const bodies = Array.from({ length: 12 }, (_, request) => ({
      batch: Array.from({ length: 1 + (request % 4) }, () => ({
        type: 'track',
        userId: `user-${request}`,
        event: 'Signed In',
        messageId: mid(`r${request}`),
      })),
    }));
    const answers = await Promise.all(
      bodies.map((body) => send(t, key, '/v1/batch', body).then((r) => r.json())),
    );
    answers.forEach((answer, request) => {
      expect(answer.results.map((r: { messageId: string }) => r.messageId)).toEqual(
        bodies[request]!.batch.map((m) => m.messageId),
      );
      expect(answer.results.every((r: { status: string }) => r.status === 'stored')).toBe(true);
    });
    expect(await t.deps.db.select().from(events)).toHaveLength(
      bodies.reduce((n, b) => n + b.batch.length, 0),
    );
  });

  it('keeps a duplicate across two requests of one group a duplicate', async () => {
    const [first, second] = await Promise.all([
      ingestGrouped(t.deps, [track('u1')]),
      ingestGrouped(t.deps, [track('u2', 'shared')]),
      ingestGrouped(t.deps, [track('u3', 'shared')]),
    ]).then((all) => all.slice(1));
    expect(first).toEqual([expect.objectContaining({ status: 'stored' })]);
    expect(second).toEqual([{ status: 'duplicate', messageId: 'shared' }]);
  });

  it('fails only the request whose records fail, when they were joined with others', async () => {
    // The first call is written alone; the next four wait for it and are joined into one batch,
    // which the broken record (no valid time: NOT NULL fails) makes fail as a whole.
    const broken = { ...track('u-broken'), observedAt: new Date(Number.NaN) };
    const settled = await Promise.allSettled([
      ingestGrouped(t.deps, [track('u1')]),
      ingestGrouped(t.deps, [track('u2'), track('u3')]),
      ingestGrouped(t.deps, [broken]),
      ingestGrouped(t.deps, [track('u4')]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseFulfilledResult<unknown[]>).value).toHaveLength(2);
    expect(await t.deps.db.select().from(events)).toHaveLength(4);
  });

  it('waits for announced requests to join the next commit, and not for released ones', async () => {
    const early = ticket(t.deps);
    const late = ticket(t.deps);
    const abandoned = ticket(t.deps);
    const first = early.ingest([track('u1')]);
    // While the first batch is written, the second request finishes parsing and joins the queue;
    // the third fails validation and gives its place up.
    const second = Promise.resolve().then(() => late.ingest([track('u2')]));
    abandoned.release();
    abandoned.release();
    expect((await Promise.all([first, second])).map((r) => r[0]!.status)).toEqual(['stored', 'stored']);
    expect(await ticket(t.deps).ingest([])).toEqual([]);
  });
});
