import { z } from 'zod';
import { innerTypeOf } from './secret.js';
import type {
  Capability,
  CheckResult,
  Connector,
  ConnectorContext,
  ConnectorLimits,
  DestinationCapability,
  SourceCapability,
  WebhookCapability,
} from './types.js';

/** Any zod object works as a config schema (strip, strict or loose). */
export type ConfigSchema = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

/** What a connector author writes; `Config` is inferred from `configSchema` (the parsed output). */
export interface ConnectorDefinition<S extends ConfigSchema, Checkpoint> {
  id: string;
  displayName: string;
  description: string;
  configSchema: S;
  limits: ConnectorLimits;
  runtimes: ReadonlyArray<'node' | 'worker'>;
  check?(ctx: ConnectorContext, config: z.output<S>): Promise<CheckResult>;
  source?: SourceCapability<z.output<S>, Checkpoint>;
  destination?: DestinationCapability<z.output<S>>;
  webhook?: WebhookCapability<z.output<S>>;
}

export type DefinedConnector<S extends ConfigSchema, Checkpoint> = Connector<z.output<S>, Checkpoint> & {
  configSchema: S;
};

/** The parsed config type of a connector. */
export type ConfigOf<C> = C extends Connector<infer Config, unknown> ? Config : never;

const ID_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * Types a connector definition and rejects the mistakes that would otherwise surface mid-sync:
 * limits the engine cannot plan with, an id that cannot be a registry key, nested secrets that
 * storage would not encrypt. Throws at import time on purpose, so a bad connector fails CI.
 */
export function defineConnector<S extends ConfigSchema, Checkpoint = never>(
  def: ConnectorDefinition<S, Checkpoint>,
): DefinedConnector<S, Checkpoint> {
  const problems = [
    ...idProblems(def.id),
    ...limitProblems(def.limits),
    ...runtimeProblems(def.runtimes),
    ...nestedSecretProblems(def.configSchema),
  ];
  if (!def.source && !def.destination && !def.webhook) {
    problems.push('a connector needs at least one of source, destination or webhook');
  }
  if (problems.length > 0) {
    throw new Error(`connector "${def.id}" is not valid: ${problems.join('; ')}`);
  }
  return def as DefinedConnector<S, Checkpoint>;
}

function idProblems(id: string): string[] {
  return ID_PATTERN.test(id) ? [] : [`id must match ${ID_PATTERN} (it is a registry key and a stored value)`];
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function limitProblems(limits: ConnectorLimits): string[] {
  const problems: string[] = [];
  const check = (name: string, value: unknown) => {
    if (!isPositiveInteger(value))
      problems.push(`limits.${name} must be a positive integer, got ${String(value)}`);
  };
  check('batchSize', limits.batchSize);
  check('concurrency', limits.concurrency);
  if (limits.requestsPerWindow !== undefined) {
    check('requestsPerWindow.requests', limits.requestsPerWindow.requests);
    check('requestsPerWindow.windowMs', limits.requestsPerWindow.windowMs);
  }
  if (limits.maxPayloadBytes !== undefined) check('maxPayloadBytes', limits.maxPayloadBytes);
  return problems;
}

function runtimeProblems(runtimes: ReadonlyArray<string>): string[] {
  return runtimes.length > 0 ? [] : ['runtimes must name at least one runtime'];
}

/** Secrets are split off by top-level key; one hidden deeper would be stored unencrypted. */
function nestedSecretProblems(schema: ConfigSchema): string[] {
  const problems: string[] = [];
  // `nested` turns true below the first object/array level; wrappers (optional, default…) do not
  // count, so a top-level `secret().optional()` is fine. `depth` only guards against cycles.
  const visit = (node: z.core.$ZodType, path: string, nested: boolean, depth: number) => {
    if (depth > 32) return;
    if (nested && z.globalRegistry.get(node)?.secret === true) {
      problems.push(`secret field "${path}" is nested; secrets must be top-level config fields`);
      return;
    }
    const inner = innerTypeOf(node);
    if (inner) return visit(inner, path, nested, depth + 1);
    const def = node._zod.def as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      element?: z.core.$ZodType;
    };
    if (def.type === 'object' && def.shape) {
      for (const [key, child] of Object.entries(def.shape)) visit(child, `${path}.${key}`, true, depth + 1);
    } else if (def.type === 'array' && def.element) {
      visit(def.element, `${path}[]`, true, depth + 1);
    }
  };
  for (const [key, field] of Object.entries(schema.shape)) visit(field, key, false, 0);
  return problems;
}

export function capabilitiesOf(connector: Connector): Capability[] {
  const capabilities: Capability[] = [];
  if (connector.check) capabilities.push('check');
  if (connector.source) capabilities.push('source');
  if (connector.destination) capabilities.push('destination');
  if (connector.webhook) capabilities.push('webhook');
  return capabilities;
}

/**
 * JSON Schema (draft 2020-12) of what an admin submits: the *input* side, so fields with defaults
 * are optional. Secret fields carry `writeOnly: true` from their metadata.
 */
export function configJsonSchema(connector: Pick<Connector, 'configSchema'>): z.core.JSONSchema.BaseSchema {
  // Refinements (such as "exactly one of url/content") cannot be expressed; they are skipped,
  // and `parseConfig` still enforces them.
  return z.toJSONSchema(connector.configSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
}

export interface ConfigIssue {
  /** Dot-joined path of the bad field ("columns.email"); "" for the config as a whole. */
  path: string;
  message: string;
}

export type ParseConfigResult<Config> =
  | { success: true; data: Config }
  | { success: false; issues: ConfigIssue[] };

export function parseConfig<C extends Connector>(
  connector: C,
  input: unknown,
): ParseConfigResult<ConfigOf<C>> {
  const result = connector.configSchema.safeParse(input);
  if (result.success) return { success: true, data: result.data as ConfigOf<C> };
  return {
    success: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map((segment) => String(segment)).join('.'),
      message: issue.message,
    })),
  };
}
