/**
 * The public connector kit: what connectors and the host import. Runtime-neutral (Node and
 * Workers); `node-file-store.ts` is deliberately not re-exported here.
 */
export { type ConnectorContextOptions, createConnectorContext } from './context.js';
export {
  type ConfigIssue,
  type ConfigOf,
  type ConfigSchema,
  type ConnectorDefinition,
  capabilitiesOf,
  configJsonSchema,
  type DefinedConnector,
  defineConnector,
  type ParseConfigResult,
  parseConfig,
} from './define.js';
export {
  CONNECTOR_ERROR_CODES,
  ConnectorError,
  type ConnectorErrorCode,
  type ConnectorErrorInit,
  type ConnectorErrorJson,
  isConnectorError,
} from './errors.js';
export {
  DEFAULT_TIMEOUT_MS,
  errorForStatus,
  extractVendorMessage,
  parseRateLimitReset,
  parseRetryAfter,
  type RequestJsonOptions,
  type RequestOptions,
  requestJson,
  requestStream,
  retryAfterFromHeaders,
} from './http.js';
export {
  type ConsoleLoggerOptions,
  createConsoleLogger,
  createMemoryLogger,
  type LogEntry,
  type LogLevel,
} from './logger.js';
export {
  isSecretSchema,
  joinSecrets,
  REDACTED,
  redactConfig,
  SECRET_META,
  type SplitConfig,
  secret,
  secretFieldsOf,
  splitSecrets,
} from './secret.js';
export { sleep } from './sleep.js';
export type {
  Capability,
  CheckResult,
  Connector,
  ConnectorContext,
  ConnectorLimits,
  ConnectorLogger,
  DestinationCapability,
  DestinationRecord,
  EnsuredField,
  FieldProvisioningPlan,
  FieldSpec,
  FileStore,
  InboundEvent,
  PlannedFieldAction,
  RecordResult,
  SourceBatch,
  SourceCapability,
  SourceRecord,
  WebhookCapability,
} from './types.js';
