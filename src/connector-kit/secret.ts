import { z } from 'zod';
import type { Connector } from './types.js';

/**
 * Secrets are marked with zod metadata rather than a wrapper type so they survive into the
 * JSON Schema the admin console renders (`writeOnly` + `format: password`) with no extra plumbing,
 * and so `secretFieldsOf` can find them by walking the schema.
 *
 * Secrets are TOP-LEVEL fields of `configSchema` only. Storage splits them off by key and encrypts
 * them; a secret nested inside an object would be stored in the clear, so `defineConnector`
 * refuses such schemas.
 */
export const SECRET_META = { secret: true, writeOnly: true, format: 'password' } as const;

export const REDACTED = '[REDACTED]';

// Overloads rather than a defaulted type parameter: inside `z.object({...})` TypeScript would infer
// the parameter from the contextual return type and type a bare `secret()` field as `any`.
export function secret(): z.ZodString;
export function secret<S extends z.ZodType>(schema: S): S;
export function secret(schema?: z.ZodType): z.ZodType {
  const base = schema ?? z.string().min(1);
  // `.meta()` on a clone keeps an existing description/title next to the secret markers.
  return base.meta({ ...(base.meta() ?? {}), ...SECRET_META });
}

/** True when the schema, or any wrapper around it (optional, default, nullable…), is marked secret. */
export function isSecretSchema(schema: z.core.$ZodType): boolean {
  let current: z.core.$ZodType | undefined = schema;
  // Bounded walk: wrappers nest a handful of levels at most.
  for (let depth = 0; current && depth < 16; depth++) {
    if (z.globalRegistry.get(current)?.secret === true) return true;
    current = innerTypeOf(current);
  }
  return false;
}

/** The schema a wrapper (optional, nullable, default, prefault, readonly, catch…) wraps, if any. */
export function innerTypeOf(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = schema._zod.def as { innerType?: z.core.$ZodType };
  return def.innerType;
}

/** Names of the top-level config fields that are secret. */
export function secretFieldsOf(connector: Pick<Connector, 'configSchema'>): string[] {
  const shape = connector.configSchema.shape as Record<string, z.core.$ZodType>;
  return Object.keys(shape).filter((key) => isSecretSchema(shape[key]!));
}

export interface SplitConfig {
  /** Safe to store in the clear and to return from the admin API. */
  publicConfig: Record<string, unknown>;
  /** To be encrypted at rest; never returned. Only keys that are present in the config. */
  secrets: Record<string, unknown>;
}

export function splitSecrets(
  connector: Pick<Connector, 'configSchema'>,
  config: Record<string, unknown>,
): SplitConfig {
  const secretKeys = new Set(secretFieldsOf(connector));
  const publicConfig: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretKeys.has(key)) {
      if (value !== undefined) secrets[key] = value;
    } else {
      publicConfig[key] = value;
    }
  }
  return { publicConfig, secrets };
}

/** Inverse of `splitSecrets`. Secrets win on a clash, so a stale public copy cannot shadow them. */
export function joinSecrets(
  publicConfig: Record<string, unknown>,
  secrets: Record<string, unknown>,
): Record<string, unknown> {
  return { ...publicConfig, ...secrets };
}

/** The config with every secret that is set replaced by "[REDACTED]"; unset secrets stay absent. */
export function redactConfig<C extends Record<string, unknown>>(
  connector: Pick<Connector, 'configSchema'>,
  config: C,
): C {
  const redacted: Record<string, unknown> = { ...config };
  for (const key of secretFieldsOf(connector)) {
    if (redacted[key] !== undefined && redacted[key] !== null) redacted[key] = REDACTED;
  }
  return redacted as C;
}
