import { describe, expect, it } from 'vitest';
import { csvColumnsSchema } from '../../../../connectors/csv/config.js';
import { mapRow, planColumns } from '../../../../connectors/csv/mapper.js';

const defaults = csvColumnsSchema.parse({});

describe('planColumns', () => {
  it('matches identifier columns case-insensitively and makes every other named column a trait', () => {
    const { plan, problems } = planColumns([' Email ', 'first_name', 'USER_ID', '', 'city'], defaults);
    expect(problems).toEqual([]);
    expect(plan.identifiers).toEqual({
      email: { index: 0, header: 'Email' },
      userId: { index: 2, header: 'USER_ID' },
    });
    expect(plan.traits).toEqual([
      { index: 1, key: 'first_name' },
      { index: 4, key: 'city' },
    ]);
  });

  it('uses configured column names, including the externalId column', () => {
    const columns = csvColumnsSchema.parse({ email: 'E-mail Address', externalId: 'crm_id' });
    const { plan, problems } = planColumns(['crm_id', 'E-mail address', 'email'], columns);
    expect(problems).toEqual([]);
    expect(plan.externalId).toEqual({ index: 0, header: 'crm_id' });
    expect(plan.identifiers.email).toEqual({ index: 1, header: 'E-mail address' });
    // "email" is just a trait here: the admin said the email lives elsewhere.
    expect(plan.traits).toEqual([{ index: 2, key: 'email' }]);
  });

  it('reports a header with no identifier column', () => {
    const { problems } = planColumns(['name', 'city'], defaults);
    expect(problems.map((p) => p.kind)).toEqual(['no_identifier']);
    expect(problems[0]?.message).toContain('"email", "phone", "user_id"');
  });

  it('reports a configured externalId column that is missing', () => {
    const { problems } = planColumns(['email'], csvColumnsSchema.parse({ externalId: 'id' }));
    expect(problems.map((p) => p.kind)).toEqual(['missing_external_id']);
  });

  it('reports repeated columns instead of letting one silently win', () => {
    expect(planColumns(['email', 'city', 'city'], defaults).problems.map((p) => p.kind)).toEqual([
      'duplicate_trait',
    ]);
    expect(planColumns(['email', 'EMAIL'], defaults).problems.map((p) => p.kind)).toEqual([
      'duplicate_trait',
    ]);
  });
});

describe('mapRow', () => {
  const { plan } = planColumns(['email', 'phone', 'user_id', 'name', 'notes'], defaults);

  it('maps identifiers (trimmed) and traits (as written), leaving empty cells out', () => {
    expect(mapRow(plan, [' Ada@Example.com ', '', 'u-1', 'Ada', ' two spaces '], 4)).toEqual({
      externalId: 'row:4',
      identifiers: { email: 'Ada@Example.com', userId: 'u-1' },
      traits: { name: 'Ada', notes: ' two spaces ' },
    });
  });

  it('returns null for a row with no identifier at all', () => {
    expect(mapRow(plan, ['', ' ', '', 'Nobody', 'x'], 2)).toBeNull();
  });

  it('takes the externalId from its column, falling back to the row when the cell is empty', () => {
    const withId = planColumns(['id', 'phone'], csvColumnsSchema.parse({ externalId: 'id' })).plan;
    expect(mapRow(withId, ['crm-9', '+15555550100'], 1)?.externalId).toBe('crm-9');
    expect(mapRow(withId, ['', '+15555550100'], 7)?.externalId).toBe('row:7');
  });
});
