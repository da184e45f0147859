import type { z } from 'zod';
import type { ConnectorError, ConnectorErrorJson } from './errors.js';

/** What a connector may use from the host. Connectors never reach for globals or the database. */
export interface ConnectorContext {
  /** The fetch to use (tests inject one; the HTTP helper wraps it with timeouts). */
  fetch: typeof fetch;
  now(): Date;
  logger: ConnectorLogger;
  /** Aborted when the run is cancelled or the process shuts down. */
  signal?: AbortSignal;
  /** A writable file area; present on Node, absent on Workers. */
  files?: FileStore;
}

export interface ConnectorLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A directory the host lets a connector write into; paths are relative and may not escape it. */
export interface FileStore {
  append(relativePath: string, data: string): Promise<void>;
  write(relativePath: string, data: string): Promise<void>;
  read(relativePath: string): Promise<string | undefined>;
  /**
   * The first line (without its line break), `undefined` when the file does not exist. Optional;
   * lets a connector look at a header without loading a large file. Fallback: `read`.
   */
  readFirstLine?(relativePath: string): Promise<string | undefined>;
  /** Absolute location, for messages to the admin. */
  describe(relativePath: string): string;
}

/** Declared, not guessed: the sync engine plans batches and pacing from these. */
export interface ConnectorLimits {
  /** Most records in one write call. */
  batchSize: number;
  /** Most requests in flight at once per vendor account. */
  concurrency: number;
  /** Vendor's published request budget, when it has one. */
  requestsPerWindow?: { requests: number; windowMs: number };
  /** Largest request body the vendor accepts. */
  maxPayloadBytes?: number;
}

export type CheckResult =
  | { ok: true; details?: Record<string, unknown> }
  | { ok: false; error: ConnectorErrorJson };

/** A profile-shaped record read from a source. */
export interface SourceRecord {
  /** The source's own id of the record (row number, CRM id, …). */
  externalId: string;
  identifiers: { email?: string; phone?: string; userId?: string };
  traits: Record<string, unknown>;
  /** When the source last changed the record, when it knows. */
  updatedAt?: string;
  deleted?: boolean;
}

export interface SourceBatch<Checkpoint> {
  records: SourceRecord[];
  /** Where to resume after this batch has been stored. */
  checkpoint: Checkpoint;
}

export interface SourceCapability<Config, Checkpoint> {
  checkpointSchema: z.ZodType<Checkpoint>;
  read(
    ctx: ConnectorContext,
    config: Config,
    checkpoint: Checkpoint | null,
  ): AsyncIterable<SourceBatch<Checkpoint>>;
}

/** A record on its way to a destination: our profile id plus the mapped destination fields. */
export interface DestinationRecord {
  profileId: string;
  email?: string;
  fields: Record<string, string | number | boolean | null>;
}

export type RecordResult =
  | { profileId: string; status: 'ok'; destinationId?: string }
  | { profileId: string; status: 'skipped'; reason: string }
  | { profileId: string; status: 'failed'; error: ConnectorErrorJson };

export interface FieldSpec {
  /** Our name of the field. */
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean';
}

export interface EnsuredField extends FieldSpec {
  /** The destination's name or tag of the field. */
  destinationKey: string;
  created: boolean;
}

/** What provisioning would do for one field, shown to the admin before anything is created. */
export interface PlannedFieldAction {
  key: string;
  destinationKey: string;
  action: 'exists' | 'create' | 'conflict';
  reason?: string;
}

export interface FieldProvisioningPlan {
  fields: PlannedFieldAction[];
  /** The destination's field budget, when it has one (e.g. SendGrid: 500 custom fields). */
  budget?: { used: number; limit: number; afterPlan: number };
}

export interface DestinationCapability<Config> {
  /** What `ensureFields` would create, without changing anything. */
  planFields?(ctx: ConnectorContext, config: Config, fields: FieldSpec[]): Promise<FieldProvisioningPlan>;
  /**
   * Checks a destination field name when a sync is saved (e.g. Mailchimp merge tags: ≤ 10
   * characters, A–Z and 0–9): returns why it is not acceptable, or undefined when it is.
   */
  validateFieldKey?(key: string): string | undefined;
  ensureFields?(ctx: ConnectorContext, config: Config, fields: FieldSpec[]): Promise<EnsuredField[]>;
  upsert(ctx: ConnectorContext, config: Config, batch: DestinationRecord[]): Promise<RecordResult[]>;
  setMembership?(
    ctx: ConnectorContext,
    config: Config,
    list: string,
    add: DestinationRecord[],
    remove: DestinationRecord[],
  ): Promise<RecordResult[]>;
  remove?(ctx: ConnectorContext, config: Config, records: DestinationRecord[]): Promise<RecordResult[]>;
  /**
   * Erasure (GDPR): deletes the contacts and their history for good, where `remove` may only
   * archive or unsubscribe them. Optional; a connector without it has nothing beyond `remove`.
   */
  erase?(ctx: ConnectorContext, config: Config, records: DestinationRecord[]): Promise<RecordResult[]>;
}

export interface InboundEvent {
  /** Vendor's event id; inbound webhooks are deduplicated on it. */
  eventId: string;
  type: string;
  email?: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}

export interface WebhookCapability<Config> {
  verify(rawBody: Uint8Array, headers: Headers, config: Config): Promise<boolean>;
  parse(rawBody: Uint8Array, headers: Headers): InboundEvent[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of different Config/Checkpoint types; `unknown` would reject their methods (parameters are contravariant).
export interface Connector<Config = any, Checkpoint = any> {
  id: string;
  displayName: string;
  description: string;
  /** A zod object; fields wrapped with `secret()` are encrypted at rest and never returned. */
  // biome-ignore lint/suspicious/noExplicitAny: any shape of object schema; the concrete shape lives on the defined connector.
  configSchema: z.ZodObject<any>;
  limits: ConnectorLimits;
  /** Runtimes the connector works on (the file destination needs a filesystem). */
  runtimes: ReadonlyArray<'node' | 'worker'>;
  check?(ctx: ConnectorContext, config: Config): Promise<CheckResult>;
  source?: SourceCapability<Config, Checkpoint>;
  destination?: DestinationCapability<Config>;
  webhook?: WebhookCapability<Config>;
}

export type Capability = 'check' | 'source' | 'destination' | 'webhook';

export type { ConnectorError };
