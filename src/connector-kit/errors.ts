/**
 * The one error type a connector throws (or returns inside a per-record result).
 * The sync engine branches on `code` and `retryable`, never on `message`.
 */
export const CONNECTOR_ERROR_CODES = [
  'auth',
  'invalid_config',
  'rate_limited',
  'upstream',
  'rejected',
  'bad_response',
] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/** Which codes are worth retrying when the connector does not say otherwise. */
const RETRYABLE_BY_DEFAULT: Record<ConnectorErrorCode, boolean> = {
  auth: false,
  invalid_config: false,
  rate_limited: true,
  upstream: true,
  rejected: false,
  bad_response: false,
};

export interface ConnectorErrorInit {
  retryable?: boolean;
  retryAfterMs?: number;
  /** HTTP status of the vendor response, when there was one. */
  status?: number;
  /** Field of the record or config the vendor complained about, when known. */
  field?: string;
  cause?: unknown;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly field: string | undefined;

  constructor(code: ConnectorErrorCode, message: string, init: ConnectorErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT[code];
    this.retryAfterMs = init.retryAfterMs;
    this.status = init.status;
    this.field = init.field;
  }

  /** A plain, loggable, storable shape (no cause, no stack). */
  toJSON(): ConnectorErrorJson {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

export interface ConnectorErrorJson {
  code: ConnectorErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  status?: number;
  field?: string;
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
