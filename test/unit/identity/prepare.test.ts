import { describe, expect, it } from 'vitest';
import { prepareBatch } from '../../../src/identity/deterministic/prepare.js';
import { identityKey } from '../../../src/identity/deterministic/types.js';
import { type IdentifierInput, normalizeIdentifiers } from '../../../src/identity/normalize.js';
import { DEFAULT_IDENTITY_SETTINGS, identitySettingsSchema } from '../../../src/identity/settings.js';

const at = new Date('2026-01-01T00:00:00Z');
const input = (ids: IdentifierInput, settings = DEFAULT_IDENTITY_SETTINGS) => ({
  identifiers: normalizeIdentifiers(ids, settings),
  source: 'test',
  seenAt: at,
});

/** Each record's usable identifiers as `type:value`, in the order the resolver takes them. */
function entries(batch: ReturnType<typeof prepareBatch>): string[][] {
  return batch.inputs.map((_, index) => {
    const out: string[] = [];
    for (let entry = batch.start[index]!; entry < batch.start[index + 1]!; entry++) {
      const identifier = batch.identifier[entry]!;
      expect(batch.keys[batch.slot[entry]!]).toBe(identityKey(identifier.type, identifier.value));
      out.push(`${identifier.type}:${identifier.value}`);
    }
    return out;
  });
}

describe('batch preparation', () => {
  it('orders each record by identifier priority, keeping input order within a family', () => {
    const settings = identitySettingsSchema.parse({ priority: ['email', 'user_id', 'phone'] });
    const batch = prepareBatch(
      [
        input(
          {
            anonymousId: 'anon-1',
            phone: '+14155550100',
            userId: 'u1',
            email: 'b@example.com',
            previousEmail: 'a@example.com',
          },
          settings,
        ),
      ],
      settings,
    );
    expect(entries(batch)).toEqual([
      [
        'email:b@example.com',
        'email:a@example.com',
        'user_id:u1',
        'phone:+14155550100',
        'anonymous_id:anon-1',
      ],
    ]);
  });

  it('lists each distinct key once, shared by the records that carry it', () => {
    const batch = prepareBatch(
      [
        input({ email: 'a@example.com', userId: 'u1' }),
        input({ email: 'A@example.com' }),
        input({ userId: 'u2' }),
      ],
      DEFAULT_IDENTITY_SETTINGS,
    );
    expect(batch.keys).toEqual([
      identityKey('user_id', 'u1'),
      identityKey('email', 'a@example.com'),
      identityKey('user_id', 'u2'),
    ]);
    expect(batch.slot[batch.start[1]!]).toBe(batch.slotByKey.get(identityKey('email', 'a@example.com')));
    expect(entries(batch)).toEqual([
      ['user_id:u1', 'email:a@example.com'],
      ['email:a@example.com'],
      ['user_id:u2'],
    ]);
  });

  it('leaves blocked placeholders out of the entries and the keys, and reports them per record', () => {
    const batch = prepareBatch(
      [input({ email: 'test@test.com', userId: 'u1' }), input({ phone: '000-000' })],
      DEFAULT_IDENTITY_SETTINGS,
    );
    expect(entries(batch)).toEqual([['user_id:u1'], []]);
    expect(batch.keys).toEqual([identityKey('user_id', 'u1')]);
    expect(batch.blocked).toEqual([
      { index: 0, type: 'email', value: 'test@test.com' },
      { index: 1, type: 'phone', value: '000000' },
    ]);
  });
});
