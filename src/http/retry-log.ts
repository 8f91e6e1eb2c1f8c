import { errorCode } from './errors.ts';

/** Where retry lines go: any logger with `warn` (Tide's Logger, the Port client's, a console). */
export interface RetryLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** One retry about to happen, as the client knows it. */
export interface RetryEvent {
  method: string;
  url: string;
  /** The retry about to happen, 1-based, and how many this request may have in all. */
  attempt: number;
  retries: number;
  delayMs: number;
  status?: number;
  error?: unknown;
  timedOut?: boolean;
}

/**
 * One WARN line per retry (docs/behaviour.md §4.2), so an unreachable or failing host is visible at once:
 * the method, the host (never the path or query, which may carry tokens), the reason (the status, the error
 * code, or `timeout`), the attempt and the wait.
 *
 * @example "[tide] GET api.example.com answered 503; retry 2 of 10 in 0.2 s"
 */
export function logRetry(logger: RetryLogger, event: RetryEvent): void {
  const host = hostOf(event.url);
  let reason: string;
  let what: string;
  if (event.status !== undefined) {
    reason = String(event.status);
    what = `answered ${event.status}`;
  } else if (event.timedOut) {
    reason = 'timeout';
    what = `${event.error instanceof Error ? event.error.message : 'timed out'}`;
  } else {
    reason = errorCode(event.error) ?? (event.error instanceof Error ? event.error.name : 'network error');
    what = `failed (${reason})`;
  }
  const wait = `${Math.round(event.delayMs / 100) / 10} s`;
  logger.warn(`[tide] ${event.method} ${host} ${what}; retry ${event.attempt} of ${event.retries} in ${wait}`, {
    method: event.method,
    host,
    attempt: event.attempt,
    retries: event.retries,
    waitMs: event.delayMs,
    reason,
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(relative URL)';
  }
}
