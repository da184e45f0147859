import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { csv } from '../../../connectors/csv/index.js';
import {
  type ConnectorDefinition,
  type ConnectorLimits,
  capabilitiesOf,
  configJsonSchema,
  defineConnector,
  parseConfig,
  secret,
} from '../../../src/connector-kit/index.js';

const configSchema = z.object({ apiKey: secret(), list: z.object({ id: z.string().min(1) }) });

function base(overrides: Partial<ConnectorDefinition<typeof configSchema, never>> = {}) {
  return {
    id: 'demo',
    displayName: 'Demo',
    description: 'A demo destination',
    configSchema,
    limits: { batchSize: 100, concurrency: 2 },
    runtimes: ['node', 'worker'] as const,
    destination: { upsert: async () => [] },
    ...overrides,
  };
}

describe('defineConnector', () => {
  it('returns the definition, typed from the config schema', () => {
    const demo = defineConnector(
      base({
        check: async (_ctx, config) => {
          expectTypeOf(config.apiKey).toEqualTypeOf<string>();
          expectTypeOf(config.list.id).toEqualTypeOf<string>();
          return { ok: true };
        },
      }),
    );
    expect(demo.id).toBe('demo');
    expectTypeOf(csv.source!.checkpointSchema.parse).returns.toEqualTypeOf<{ row: number }>();
  });

  it.each<[string, Partial<ConnectorLimits>]>([
    ['zero batch size', { batchSize: 0 }],
    ['fractional batch size', { batchSize: 1.5 }],
    ['negative concurrency', { concurrency: -1 }],
    ['NaN concurrency', { concurrency: Number.NaN }],
    ['zero window', { requestsPerWindow: { requests: 10, windowMs: 0 } }],
    ['fractional payload', { maxPayloadBytes: 10.5 }],
  ])('rejects limits with a %s', (_label, limits) => {
    expect(() => defineConnector(base({ limits: { batchSize: 100, concurrency: 2, ...limits } }))).toThrow(
      /connector "demo" is not valid: limits\./,
    );
  });

  it('accepts complete positive-integer limits', () => {
    const limits = {
      batchSize: 1,
      concurrency: 1,
      requestsPerWindow: { requests: 10, windowMs: 1000 },
      maxPayloadBytes: 1,
    };
    expect(() => defineConnector(base({ limits }))).not.toThrow();
  });

  it('rejects an id that cannot be a registry key, no runtimes, and no capability', () => {
    expect(() => defineConnector(base({ id: 'Has Spaces' }))).toThrow(/id must match/);
    expect(() => defineConnector(base({ runtimes: [] }))).toThrow(/runtimes/);
    expect(() => defineConnector(base({ destination: undefined }))).toThrow(/at least one of/);
  });

  it('rejects secrets nested below the top level, which storage would not encrypt', () => {
    const nested = z.object({ auth: z.object({ token: secret() }).optional(), keys: z.array(secret()) });
    expect(() =>
      defineConnector({ ...base(), configSchema: nested } as unknown as ConnectorDefinition<
        typeof nested,
        never
      >),
    ).toThrow(/secret field "auth.token" is nested.*secret field "keys\[\]" is nested/);
  });
});

describe('capabilitiesOf', () => {
  it('lists what the connector implements, in a fixed order', () => {
    expect(capabilitiesOf(defineConnector(base()))).toEqual(['destination']);
    expect(capabilitiesOf(csv)).toEqual(['check', 'source']);
  });
});

describe('configJsonSchema', () => {
  it('is draft 2020-12 and describes the input side (defaults make fields optional)', () => {
    const schema = configJsonSchema({
      configSchema: z.object({ a: z.string(), b: z.string().default('x') }),
    });
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['a']);
  });
});

describe('parseConfig', () => {
  const demo = defineConnector(base());

  it('returns the parsed config', () => {
    expect(parseConfig(demo, { apiKey: 'k', list: { id: 'l1' }, extra: 1 })).toEqual({
      success: true,
      data: { apiKey: 'k', list: { id: 'l1' } },
    });
  });

  it('lists every issue with a dot-joined path', () => {
    const result = parseConfig(demo, { apiKey: '', list: { id: '' } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((issue) => issue.path)).toEqual(['apiKey', 'list.id']);
    for (const issue of result.issues) expect(issue.message).toMatch(/\S/);
  });

  it('uses an empty path for the config as a whole', () => {
    const result = parseConfig(demo, 'not an object');
    expect(result).toMatchObject({ success: false, issues: [{ path: '' }] });
  });
});
