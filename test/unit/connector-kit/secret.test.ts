import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  configJsonSchema,
  isSecretSchema,
  joinSecrets,
  REDACTED,
  redactConfig,
  secret,
  secretFieldsOf,
  splitSecrets,
} from '../../../src/connector-kit/index.js';

const holder = {
  configSchema: z.object({
    apiKey: secret(),
    webhookSecret: secret().optional(),
    password: secret(z.string().min(8).describe('Account password')).nullable().default(null),
    region: z.enum(['us', 'eu']).default('us'),
    account: z.object({ id: z.string() }).optional(),
  }),
};

describe('secret()', () => {
  it('defaults to a non-empty string', () => {
    expect(secret().safeParse('').success).toBe(false);
    expect(secret().safeParse('k').success).toBe(true);
  });

  it('marks the schema, keeps existing metadata, and is seen through wrappers', () => {
    const password = secret(z.string().describe('Account password'));
    expect(password.meta()).toMatchObject({ description: 'Account password', secret: true, writeOnly: true });
    expect(isSecretSchema(password.optional().nullable().default(null))).toBe(true);
    expect(isSecretSchema(z.string())).toBe(false);
  });

  it('does not mark the schema it was given', () => {
    const plain = z.string();
    secret(plain);
    expect(isSecretSchema(plain)).toBe(false);
  });

  it('survives into JSON Schema as writeOnly password fields', () => {
    const properties = configJsonSchema(holder).properties as Record<string, Record<string, unknown>>;
    expect(properties.apiKey).toMatchObject({ type: 'string', writeOnly: true, format: 'password' });
    expect(properties.webhookSecret).toMatchObject({ writeOnly: true });
    expect(JSON.stringify(properties.password)).toContain('"writeOnly":true');
    expect(properties.region?.writeOnly).toBeUndefined();
  });
});

describe('secret helpers', () => {
  const config = {
    apiKey: 'sk_live_1',
    webhookSecret: 'whsec_2',
    password: null,
    region: 'eu',
    account: { id: 'a' },
  };

  it('finds top-level secret fields through optional/nullable/default', () => {
    expect(secretFieldsOf(holder)).toEqual(['apiKey', 'webhookSecret', 'password']);
  });

  it('splits secrets off and joins them back', () => {
    const { publicConfig, secrets } = splitSecrets(holder, config);
    expect(publicConfig).toEqual({ region: 'eu', account: { id: 'a' } });
    expect(secrets).toEqual({ apiKey: 'sk_live_1', webhookSecret: 'whsec_2', password: null });
    expect(joinSecrets(publicConfig, secrets)).toEqual(config);
  });

  it('leaves unset secrets out of the split', () => {
    expect(splitSecrets(holder, { apiKey: 'k', region: 'us' }).secrets).toEqual({ apiKey: 'k' });
  });

  it('lets secrets win over a public value of the same name when joining', () => {
    expect(joinSecrets({ apiKey: REDACTED, region: 'us' }, { apiKey: 'real' })).toEqual({
      apiKey: 'real',
      region: 'us',
    });
  });

  it('redacts set secrets only, leaving everything else as is', () => {
    expect(redactConfig(holder, config)).toEqual({
      apiKey: REDACTED,
      webhookSecret: REDACTED,
      password: null,
      region: 'eu',
      account: { id: 'a' },
    });
    expect(redactConfig(holder, { apiKey: 'k', region: 'us' })).toEqual({ apiKey: REDACTED, region: 'us' });
    expect(config.apiKey).toBe('sk_live_1');
  });
});
