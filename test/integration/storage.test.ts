import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomic } from '../../src/db/atomic.js';
import { isUniqueViolation } from '../../src/db/errors.js';
import { expectedMigrations, migrationStatus } from '../../src/db/migration-status.js';
import { auditLog, connections } from '../../src/db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const connectionRow = (id: string, name: string) => ({
  id,
  connectorId: 'csv',
  name,
  configJson: {},
  secretsSealed: null,
  createdAt: new Date(),
  updatedAt: new Date(),
});

describe('atomic batch', () => {
  it('applies every statement or none', async () => {
    const { db } = t.deps;
    await db.insert(connections).values(connectionRow('conn_a', 'taken'));
    const attempt = atomic(db, [
      db.insert(connections).values(connectionRow('conn_b', 'fresh')),
      db.insert(auditLog).values({
        id: 'aud_1',
        at: new Date(),
        actorName: 't',
        action: 'x',
        entityType: 'connection',
        entityId: 'conn_b',
      }),
      db.insert(connections).values(connectionRow('conn_c', 'taken')),
    ]);
    const error = await attempt.catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    const names = (await db.select().from(connections)).map((row) => row.name);
    expect(names).toEqual(['taken']);
    expect(await db.select().from(auditLog).where(eq(auditLog.entityId, 'conn_b'))).toEqual([]);
  });
});

describe('migration status', () => {
  it("reads drizzle's ledger", async () => {
    expect(await migrationStatus(t.deps.db, 'drizzle')).toEqual({
      current: true,
      applied: expectedMigrations.length,
      expected: expectedMigrations.length,
      pending: [],
    });
  });

  it("reads wrangler's d1_migrations ledger by file name", async () => {
    const { db } = t.deps;
    expect((await migrationStatus(db, 'd1')).pending).toEqual(expectedMigrations.map((m) => m.tag));
    await db.run(sql`create table d1_migrations (id integer primary key, name text, applied_at text)`);
    for (const m of expectedMigrations)
      await db.run(sql`insert into d1_migrations (name) values (${`${m.tag}.sql`})`);
    expect((await migrationStatus(db, 'd1')).current).toBe(true);
  });

  it('expects the migrations that are in migrations/', () => {
    expect(expectedMigrations[0]?.tag).toBe('0000_foundation');
  });
});
