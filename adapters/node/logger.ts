import { createLogger, type LogRecord, type Logger } from '../../src/logging/logger.ts';

type Level = LogRecord['level'];

/** Options of {@link createNodeLogger}. */
export interface NodeLoggerOptions {
  /** Lowest level printed: `debug|info|warn|error`, or Ocean's `DEBUG|INFO|WARNING|ERROR|CRITICAL` (default `info`). */
  level?: string;
  /** `pretty`: `[tide] LEVEL message key=value`; `json`: one object per line. */
  format?: 'pretty' | 'json';
  /** Applied to every whole line before it is written, so a secret is masked wherever it appears. */
  redact?: (text: string) => string;
  /** Where lines go; default: warnings and errors to stderr, the rest to stdout. */
  write?: (line: string, level: Level) => void;
}

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Map both Tide's and Ocean's level names onto the four levels the core uses. */
export function normaliseLevel(level: string | undefined): Level {
  switch ((level ?? 'info').trim().toLowerCase()) {
    case 'debug':
      return 'debug';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'critical':
      return 'error';
    default:
      return 'info';
  }
}

const defaultWrite = (line: string, level: Level): void => {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

/**
 * The Node adapter's logger. Every line passes through `redact` as a whole, after formatting, so
 * secrets inside field values, error messages or nested objects never reach the terminal.
 *
 * @example
 * const logger = createNodeLogger({ level: settings.application.logLevel, format: 'json',
 *   redact: createRedactor(sensitiveValues(settings, spec)) });
 */
export function createNodeLogger(options: NodeLoggerOptions = {}): Logger {
  const min = RANK[normaliseLevel(options.level)];
  const format = options.format ?? 'pretty';
  const redact = options.redact ?? ((t: string) => t);
  const write = options.write ?? defaultWrite;
  return createLogger((record) => {
    if (RANK[record.level] < min) return;
    const line = format === 'json' ? jsonLine(record) : prettyLine(record);
    write(redact(line), record.level);
  });
}

function prettyLine(record: LogRecord): string {
  // Core messages often carry their own "[tide] " prefix; print it once.
  const message = record.message.replace(/^\[tide\]\s*/, '');
  const fields = Object.entries(record.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  return [`[tide] ${record.level.toUpperCase()}`, message, ...fields].join(' ');
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  return safeJson(value);
}

function jsonLine(record: LogRecord): string {
  const fields = Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, v instanceof Error ? v.message : v]));
  return safeJson({ time: new Date().toISOString(), level: record.level, message: record.message.replace(/^\[tide\]\s*/, ''), ...fields });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
