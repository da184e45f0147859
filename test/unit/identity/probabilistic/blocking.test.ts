import { describe, expect, it } from 'vitest';
import {
  generateCandidatePairs,
  type LinkageSettingsInput,
  linkageSettingsSchema,
  type PersonRecord,
  prepareRecords,
} from '../../../../src/identity/probabilistic/index.js';

const base = {
  fields: [
    { key: 'first', columns: ['first'], levels: [{ kind: 'exact' as const }] },
    { key: 'last', columns: ['last'], levels: [{ kind: 'exact' as const }] },
    { key: 'zip', columns: ['zip'], levels: [{ kind: 'exact' as const }] },
  ],
};

function candidates(
  rules: LinkageSettingsInput['blockingRules'],
  left: PersonRecord[],
  right?: PersonRecord[],
  maxBlockSize?: number,
) {
  const settings = linkageSettingsSchema.parse({ ...base, blockingRules: rules, maxBlockSize });
  const pairs = generateCandidatePairs(
    prepareRecords(settings, left, right),
    settings.blockingRules,
    settings.maxBlockSize,
  );
  const list = Array.from(pairs.left, (a, p) => `${a}-${pairs.right[p]}`);
  return { list, pairs };
}

const people: PersonRecord[] = [
  { first: 'ann', last: 'smith', zip: '1000' },
  { first: 'ann', last: 'smyth', zip: '1000' },
  { first: 'bob', last: 'smith', zip: '2000' },
  { first: 'ann', last: '', zip: '1000' },
];

describe('generateCandidatePairs', () => {
  it('unions the rules and emits a pair caught by several rules once', () => {
    const { list, pairs } = candidates(
      [
        { keys: [{ field: 'first' }] },
        { keys: [{ field: 'zip' }] },
        { keys: [{ field: 'last', transform: 'soundex' }] },
      ],
      people,
    );
    expect(list.sort()).toEqual(['0-1', '0-2', '0-3', '1-2', '1-3']);
    // Rule 2 (zip) blocks exactly the pairs rule 1 (first name) already produced.
    expect(pairs.perRule).toEqual([3, 0, 2]);
    expect(new Set(list).size).toBe(list.length);
  });

  it('needs every key of a rule: a missing part leaves the record out of that rule', () => {
    const { list } = candidates(
      [{ keys: [{ field: 'first' }, { field: 'last', transform: 'prefix', length: 2 }] }],
      people,
    );
    expect(list.sort()).toEqual(['0-1']);
  });

  it('links only across sides in a left × right linkage', () => {
    const { list } = candidates([{ keys: [{ field: 'zip' }] }], people.slice(0, 2), people.slice(2));
    // Left 0 and 1 share zip 1000 with right record 3 (index 3); left × left (0-1) is not a candidate.
    expect(list.sort()).toEqual(['0-3', '1-3']);
  });

  it('skips blocks over maxBlockSize, and a skipped block does not hide its pairs from later rules', () => {
    const { list, pairs } = candidates(
      [{ keys: [{ field: 'zip' }] }, { keys: [{ field: 'last' }] }],
      people,
      undefined,
      2,
    );
    expect(pairs.skippedBlocks).toBe(1);
    expect(list.sort()).toEqual(['0-2']);
  });
});
