import { describe, expect, it } from 'vitest';
import {
  defaultPersonSettings,
  linkageSettingsSchema,
} from '../../../../src/identity/probabilistic/index.js';

describe('linkage settings', () => {
  it('the defaults parse, with thresholds and training defaults filled in, and survive JSON', () => {
    const parsed = linkageSettingsSchema.parse(defaultPersonSettings);
    expect(parsed.thresholds).toEqual({ merge: 0.99, review: 0.8 });
    expect(parsed.training.uSamplePairs).toBe(300_000);
    expect(linkageSettingsSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('maps the columns of FEBRL and of CRM profiles to the same fields', () => {
    const columns = Object.fromEntries(
      defaultPersonSettings.fields.map((field) => [field.key, field.columns]),
    );
    expect(columns.given_name).toEqual(expect.arrayContaining(['given_name', 'first_name']));
    expect(columns.surname).toEqual(expect.arrayContaining(['surname', 'last_name']));
    expect(columns.date_of_birth).toEqual(expect.arrayContaining(['date_of_birth', 'birthday']));
    expect(columns.postcode).toEqual(expect.arrayContaining(['postcode', 'zip']));
    expect(columns.city).toEqual(expect.arrayContaining(['suburb', 'city']));
  });

  it('rejects references to unknown fields, duplicate keys and inverted thresholds', () => {
    const base = linkageSettingsSchema.parse(defaultPersonSettings);
    const issues = (input: unknown) =>
      linkageSettingsSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(issues({ ...base, blockingRules: [{ keys: [{ field: 'nope' }] }] })).toEqual([
      'blockingRules.0.keys.0.field',
    ]);
    expect(issues({ ...base, fields: [...base.fields, base.fields[0]] })).toContain(
      `fields.${base.fields.length}.key`,
    );
    expect(issues({ ...base, thresholds: { merge: 0.9, review: 0.95 } })).toEqual(['thresholds.review']);
    expect(
      issues({
        ...base,
        fields: [{ key: 'a', columns: ['a'], levels: [{ kind: 'swapped', field: 'b' }] }],
        blockingRules: [{ keys: [{ field: 'a' }] }],
      }),
    ).toEqual(['fields.0.levels.0.field']);
  });
});
