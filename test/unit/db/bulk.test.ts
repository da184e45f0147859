import { describe, expect, it } from 'vitest';
import { bulkInsert } from '../../../src/db/bulk.js';
import { identities, profiles } from '../../../src/db/schema/index.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('bulk inserts', () => {
  it('binds values the way drizzle would: JSON as text, dates as epoch ms, booleans as 0/1, defaults filled', () => {
    const [statement] = bulkInsert(
      identities,
      [
        {
          profileId: 'prof_a',
          originProfileId: 'prof_a',
          key: 'email\u001fa@example.com',
          type: 'email',
          value: 'a@example.com',
          rawValue: 'A@example.com',
          valid: false,
          source: 'crm',
          firstSeenAt: at,
          lastSeenAt: at,
        },
      ],
      100,
    );
    expect(statement!.args).toEqual([
      'prof_a',
      'prof_a',
      'email\u001fa@example.com',
      'email',
      'a@example.com',
      'A@example.com',
      0,
      'crm',
      at.getTime(),
      at.getTime(),
    ]);
    const [profile] = bulkInsert(profiles, [{ id: 'prof_b', createdAt: at, updatedAt: at }], 100);
    // traits and trait sources default to {}; merged_into and deleted_at are NULL.
    expect(profile!.args).toEqual(['prof_b', null, '{}', '{}', at.getTime(), at.getTime(), null]);
  });

  it('splits rows into power-of-two chunks within the parameter limit, reusing one text per chunk size', () => {
    const rows = Array.from({ length: 11 }, (_, i) => ({
      id: `prof_${i}`,
      traits: { n: i },
      createdAt: at,
      updatedAt: at,
    }));
    // 7 columns and 30 parameters: at most 4 rows a statement, so 4 + 4 + 2 + 1.
    const statements = bulkInsert(profiles, rows, 30, 'on conflict do nothing');
    expect(statements.map((s) => s.args.length / 7)).toEqual([4, 4, 2, 1]);
    expect(statements[0]!.sql).toBe(statements[1]!.sql);
    expect(statements[0]!.sql.match(/\?/g)).toHaveLength(28);
    expect(statements[3]!.sql).toMatch(
      /^insert into "profiles" \("id", .*\) values \(\?(, \?){6}\) on conflict do nothing$/,
    );
    expect(statements.flatMap((s) => s.args.filter((_, i) => i % 7 === 2))).toEqual(
      rows.map((row) => JSON.stringify(row.traits)),
    );
    expect(bulkInsert(profiles, [], 30)).toEqual([]);
  });
});
