import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeIdentifiers, normalizePhone } from '../../../src/identity/normalize.js';
import {
  DEFAULT_IDENTITY_SETTINGS,
  identitySettingsSchema,
  isBlockedValue,
} from '../../../src/identity/settings.js';

describe('email normalization', () => {
  it('trims and lowercases, and leaves Gmail rules off by default', () => {
    expect(normalizeEmail('  Ann.Lee+News@GMail.com ', DEFAULT_IDENTITY_SETTINGS.email)).toEqual({
      type: 'email',
      value: 'ann.lee+news@gmail.com',
      rawValue: '  Ann.Lee+News@GMail.com ',
      valid: true,
    });
  });

  it('applies Gmail dots and plus tags when configured', () => {
    const settings = identitySettingsSchema.parse({ email: { ignoreGmailDots: true, stripPlusTags: true } });
    expect(normalizeEmail('Ann.Lee+news@googlemail.com', settings.email).value).toBe('annlee@gmail.com');
    // Dots matter outside Gmail.
    expect(normalizeEmail('ann.lee+x@example.com', settings.email).value).toBe('ann.lee@example.com');
  });

  it('flags an invalid email and keeps it as given', () => {
    const result = normalizeEmail('ann at example', DEFAULT_IDENTITY_SETTINGS.email);
    expect(result).toMatchObject({ valid: false, rawValue: 'ann at example' });
  });
});

describe('phone normalization', () => {
  it('formats to E.164 with the default region', () => {
    expect(normalizePhone('(415) 555-2671', { defaultRegion: 'US' }).value).toBe('+14155552671');
    expect(normalizePhone('020 7946 0958', { defaultRegion: 'GB' }).value).toBe('+442079460958');
    expect(normalizePhone('+49 30 901820', { defaultRegion: 'US' }).value).toBe('+4930901820');
  });

  it('flags an invalid number and keeps its digits for matching', () => {
    expect(normalizePhone('12-34', { defaultRegion: 'US' })).toMatchObject({
      valid: false,
      value: '1234',
      rawValue: '12-34',
    });
  });
});

describe('identifiers', () => {
  it('namespaces external ids by source', () => {
    const ids = normalizeIdentifiers(
      { externalIds: { HubSpot: ' 901 ' }, userId: 42 as unknown as string },
      DEFAULT_IDENTITY_SETTINGS,
    );
    expect(ids.map((i) => [i.type, i.value])).toEqual([
      ['user_id', '42'],
      ['external:hubspot', '901'],
    ]);
  });

  it('blocks placeholder values and patterns', () => {
    for (const value of ['null', 'Anonymous', 'test@test.com', '0000', '--', '+000']) {
      expect(isBlockedValue(DEFAULT_IDENTITY_SETTINGS, value)).toBe(true);
    }
    expect(isBlockedValue(DEFAULT_IDENTITY_SETTINGS, 'ann@example.com')).toBe(false);
  });
});
