import { describe, expect, it } from 'vitest';
import {
  compareIds,
  contactToRecords,
  isAfter,
  propertyNameFor,
  toPropertyValues,
} from '../../../../connectors/hubspot/mapper.js';
import { checkpointOf, startPosition } from '../../../../connectors/hubspot/source.js';

describe('hubspot mapper', () => {
  it('orders ids as numbers', () => {
    expect(['100', '9', '1000', '99'].sort(compareIds)).toEqual(['9', '99', '100', '1000']);
    expect(compareIds('', '1')).toBeLessThan(0);
  });

  it('the cursor is inclusive: same millisecond, higher id is after', () => {
    const position = { timeMs: 1000, lastId: '50' };
    expect(isAfter(1000, '50', position)).toBe(false);
    expect(isAfter(1000, '49', position)).toBe(false);
    expect(isAfter(1000, '51', position)).toBe(true);
    expect(isAfter(1000, '100', position)).toBe(true);
    expect(isAfter(999, '999', position)).toBe(false);
  });

  it('full or missing checkpoints start from the epoch; handed-back checkpoints drop `full`', () => {
    expect(startPosition(null)).toEqual({ timeMs: 0, lastId: '' });
    expect(startPosition({ after: '2024-01-01T00:00:00.000Z', lastId: '5', full: true })).toEqual({
      timeMs: 0,
      lastId: '',
    });
    expect(checkpointOf({ timeMs: 0, lastId: '7' })).toEqual({
      after: '1970-01-01T00:00:00.000Z',
      lastId: '7',
    });
  });

  it('yields merged ids as deletions before the surviving contact', () => {
    const records = contactToRecords(
      {
        id: '10',
        properties: {
          email: 'a@example.com',
          firstname: 'A',
          lastname: '',
          hs_merged_object_ids: '7;8',
          lastmodifieddate: '2024-01-01T00:00:00.000Z',
        },
      },
      ['email', 'firstname', 'lastname'],
    );
    expect(records.map((r) => [r.externalId, r.deleted ?? false])).toEqual([
      ['7', true],
      ['8', true],
      ['10', false],
    ]);
    expect(records[2]!.traits).toEqual({ firstname: 'A' });
  });

  it('makes HubSpot property names and string values', () => {
    expect(propertyNameFor('LTV Score (90d)')).toBe('ltv_score_90d');
    expect(propertyNameFor('90d_value')).toBe('f_90d_value');
    expect(
      toPropertyValues({ profileId: 'p', email: ' A@Example.com ', fields: { vip: true, n: 3, gone: null } }),
    ).toEqual({ vip: 'true', n: '3', gone: '', email: 'a@example.com' });
  });
});
