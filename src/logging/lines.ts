import { createLogger, type LogRecord, type Logger } from './logger.ts';

/**
 * Log lines as adapters print them: `[tide] LEVEL message key=value` (pretty) or one JSON object per
 * line, filtered by level, each whole line passed through a redactor so a secret is masked wherever it
 * appears. Adapters only choose where lines go.
 */
export type Level = LogRecord['level'];

export interface LineLoggerOptions {
  /** Lowest level printed: `debug|info|warn|error`, or Ocean's `DEBUG|INFO|WARNING|ERROR|CRITICAL` (default `info`). */
  level?: string;
  /** `pretty`: `[tide] LEVEL message key=value`; `json`: one object per line. */
  format?: 'pretty' | 'json';
  /** Applied to every whole line before it is written. */
  redact?: (text: string) => string;
  write: (line: string, level: Level) => void;
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

export function createLineLogger(options: LineLoggerOptions): Logger {
  const min = RANK[normaliseLevel(options.level)];
  const redact = options.redact ?? ((t: string) => t);
  return createLogger((record) => {
    if (RANK[record.level] < min) return;
    options.write(redact(options.format === 'json' ? jsonLine(record) : prettyLine(record)), record.level);
  });
}

// Core messages often carry their own "[tide] " prefix; print it once.
const bareMessage = (record: LogRecord) => record.message.replace(/^\[tide\]\s*/, '');

function prettyLine(record: LogRecord): string {
  const fields = Object.entries(record.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  return [`[tide] ${record.level.toUpperCase()}`, bareMessage(record), ...fields].join(' ');
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  return safeJson(value);
}

function jsonLine(record: LogRecord): string {
  const fields = Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, v instanceof Error ? v.message : v]));
  return safeJson({ time: new Date().toISOString(), level: record.level, message: bareMessage(record), ...fields });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
