/**
 * The logger every core module receives (never a global). Adapters supply one that writes pretty or
 * JSON lines; tests use `createMemoryLogger` to assert what users would read.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose records carry these fields too. */
  child(fields: Record<string, unknown>): Logger;
}

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that forwards records to `sink`, with fixed fields merged in. */
export function createLogger(sink: (record: LogRecord) => void, base: Record<string, unknown> = {}): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
    sink({ level, message, fields: { ...base, ...fields } });
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger(sink, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = createLogger(() => {});

/** A logger that keeps its records, for tests and for reports. */
export function createMemoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return Object.assign(createLogger((r) => records.push(r)), { records });
}
