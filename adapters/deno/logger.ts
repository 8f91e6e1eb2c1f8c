import { createLogger, type LogRecord, type Logger } from '../../src/logging/logger.ts';

type Level = LogRecord['level'];

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link createDenoLogger}. */
export interface DenoLoggerOptions {
  /** Lowest level printed: `debug|info|warn|error`, or Ocean's `DEBUG|INFO|WARNING|ERROR|CRITICAL` (default `info`). */
  level?: string;
  /** `pretty`: `[tide] LEVEL message key=value`; `json`: one object per line (Deno Deploy's log viewer). */
  format?: 'pretty' | 'json';
  /** Applied to every whole line before it is written, so a secret is masked wherever it appears. */
  redact?: (text: string) => string;
  /** Where lines go; default: warnings and errors to stderr, the rest to stdout. */
  write?: (line: string, level: Level) => void;
}

/** Ocean's and Tide's level names onto the core's four. */
export function normaliseLevel(level: string | undefined): Level {
  const l = (level ?? 'info').trim().toLowerCase();
  if (l === 'debug') return 'debug';
  if (l === 'warn' || l === 'warning') return 'warn';
  if (l === 'error' || l === 'critical') return 'error';
  return 'info';
}

/** The Deno adapter's logger: the same line formats as the Node adapter's, written with `console`. */
export function createDenoLogger(options: DenoLoggerOptions = {}): Logger {
  const min = RANK[normaliseLevel(options.level)];
  const redact = options.redact ?? ((t: string) => t);
  const write = options.write ?? ((line: string, level: Level) => (level === 'warn' || level === 'error' ? console.error(line) : console.log(line)));
  return createLogger((record) => {
    if (RANK[record.level] < min) return;
    write(redact(options.format === 'json' ? jsonLine(record) : prettyLine(record)), record.level);
  });
}

function prettyLine(record: LogRecord): string {
  const fields = Object.entries(record.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)) : v instanceof Error ? JSON.stringify(v.message) : safeJson(v)}`);
  return [`[tide] ${record.level.toUpperCase()}`, record.message.replace(/^\[tide\]\s*/, ''), ...fields].join(' ');
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
