import { createConsoleLogger, type LogLevel } from '../connector-kit/logger.js';
import type { ConnectorLogger } from '../connector-kit/types.js';

/**
 * The service's logger: the connector kit's JSON-lines logger (one format for host and connector
 * lines) with a guard that redacts fields whose names look secret. Callers still pass no secrets.
 */
export type Logger = ConnectorLogger;
export type { LogLevel };

const SECRET_FIELD = /(secret|password|token|authorization|api[-_]?key|^key$)/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields))
    out[name] = SECRET_FIELD.test(name) ? '[REDACTED]' : value;
  return out;
}

export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const inner = createConsoleLogger({
    minLevel: level,
    ...(write ? { write: (_level, line) => write(line) } : {}),
  });
  const guarded =
    (method: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void =>
      inner[method](message, fields ? redact(fields) : undefined);
  return { debug: guarded('debug'), info: guarded('info'), warn: guarded('warn'), error: guarded('error') };
}

/** Turns an unknown thrown value into loggable fields without leaking request bodies. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { errorMessage: String(error) };
}
