import { describe, expect, it } from 'vitest';
import {
  baseTagFor,
  chooseTag,
  type ExistingMergeField,
  tagCandidates,
  validateMailchimpTag,
} from '../../../../connectors/mailchimp/tags.js';

const existingOf = (...fields: [string, string][]) =>
  new Map<string, ExistingMergeField>(fields.map(([tag, name]) => [tag, { tag, name }]));

describe('validateMailchimpTag', () => {
  it('accepts uppercase letters and digits up to 10 characters', () => {
    for (const tag of ['FNAME', 'MMERGE5', 'LIFETIMEVA', 'A'])
      expect(validateMailchimpTag(tag)).toEqual({ ok: true });
  });

  it('rejects a tag over 10 characters, naming the field and the limit', () => {
    const result = validateMailchimpTag('LIFETIMEVALUE', 'lifetime_value');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('lifetime_value');
    expect(result.message).toContain('10');
  });

  it('rejects lowercase, punctuation, a leading digit, empty and the reserved EMAIL', () => {
    for (const tag of ['fname', 'F_NAME', '1NAME', '', 'EMAIL'])
      expect(validateMailchimpTag(tag).ok).toBe(false);
  });
});

describe('tag generation', () => {
  it('derives the base from the key: letters and digits, uppercase, at most 10', () => {
    expect(baseTagFor('first_name')).toBe('FIRSTNAME');
    expect(baseTagFor('lifetime_value_90d')).toBe('LIFETIMEVA');
    expect(baseTagFor('Café crème')).toBe('CAFECREME');
    expect(baseTagFor('90d_orders')).toBe('F90DORDERS');
    expect(baseTagFor('email')).toBe('EMAIL1');
    expect(baseTagFor('___')).toBe('F');
  });

  it('every candidate is a valid tag, and they are all different', () => {
    const candidates = [...tagCandidates('lifetime_value_90d')].slice(0, 120);
    for (const tag of candidates) expect(validateMailchimpTag(tag)).toEqual({ ok: true });
    expect(new Set(candidates).size).toBe(candidates.length);
    expect(candidates.slice(0, 3)).toEqual(['LIFETIMEVA', 'LIFETIMEV1', 'LIFETIMEV2']);
    expect(candidates[10]).toBe('LIFETIME10');
  });

  it('skips tags used by other fields and tags claimed earlier in the same call', () => {
    const existing = existingOf(['LIFETIMEVA', 'Lifetime value (admin made)']);
    expect(chooseTag('lifetime_value_90d', 'LTV 90d', existing, new Set())).toEqual({
      tag: 'LIFETIMEV1',
      existing: false,
    });
    expect(chooseTag('lifetime_value_30d', 'LTV 30d', existing, new Set(['LIFETIMEV1']))).toEqual({
      tag: 'LIFETIMEV2',
      existing: false,
    });
  });

  it('is stable: a second run finds the fields the first one created', () => {
    const existing = existingOf(['LIFETIMEVA', 'LTV 30d'], ['LIFETIMEV1', 'LTV 90d']);
    expect(chooseTag('lifetime_value_30d', 'LTV 30d', existing, new Set())).toEqual({
      tag: 'LIFETIMEVA',
      existing: true,
    });
    expect(chooseTag('lifetime_value_90d', 'ltv 90D ', existing, new Set(['LIFETIMEVA']))).toEqual({
      tag: 'LIFETIMEV1',
      existing: true,
    });
  });

  it('a key that is itself an existing tag maps onto it whatever its name', () => {
    expect(chooseTag('FNAME', 'Given name', existingOf(['FNAME', 'First Name']), new Set())).toEqual({
      tag: 'FNAME',
      existing: true,
    });
  });
});
