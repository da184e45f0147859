import type { ConnectorLogger } from './types.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface ConsoleLoggerOptions {
  /** Added to every line (connector id, run id…). */
  base?: Record<string, unknown>;
  /** Lines below this level are dropped. Default 'info'. */
  minLevel?: LogLevel;
  /** Where lines go; defaults to console, which is what both Node and Workers collect. */
  write?: (level: LogLevel, line: string) => void;
}

/**
 * One JSON object per line. Fields are passed through as given: the logger cannot know which
 * values are secret, so callers must never hand it config or credentials (log `redactConfig`
 * output when config matters).
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): ConnectorLogger {
  const minLevel = LEVEL_ORDER[options.minLevel ?? 'info'];
  const write = options.write ?? defaultWrite;
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < minLevel) return;
    write(
      level,
      safeStringify({ level, time: new Date().toISOString(), msg: message, ...options.base, ...fields }),
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function defaultWrite(level: LogLevel, line: string): void {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** Logging must never throw: cycles and bigints would otherwise take down the caller. */
function safeStringify(value: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return JSON.stringify({ level: value.level, msg: value.msg, logError: 'fields not serializable' });
  }
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps entries in memory; for tests, and for hosts that attach connector logs to a sync run. */
export function createMemoryLogger(): ConnectorLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, fields: { ...fields } });
  };
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
