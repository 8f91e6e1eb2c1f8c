import { errorCode } from './errors.ts';

/**
 * Retry behaviour as data: which statuses and methods are retried, how often, and how
 * long to wait. The fetch client reads it; the Port client and vendor clients pick a preset.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (10 → at most 11 attempts). */
  readonly retries: number;
  /** Response statuses that are retried. */
  readonly statuses: ReadonlySet<number>;
  /** Methods retried without an explicit `retryable: true` (upper case). */
  readonly methods: ReadonlySet<string>;
  /** Backoff for retry n is `baseDelayMs · 2^(n−1)`, jittered. */
  readonly baseDelayMs: number;
  /** Cap on any wait, whether computed or read from a header. */
  readonly maxDelayMs: number;
  /** ± fraction applied to computed backoff (0.1 → ±10 %); header waits are not jittered. */
  readonly jitter: number;
  /** Whether network errors and timeouts are retried (on retryable requests). */
  readonly retryNetworkErrors: boolean;
  /**
   * Retries after a DNS failure (`ENOTFOUND`, `EAI_AGAIN`), within `retries`: a name that does not resolve
   * rarely starts to within the minutes a full backoff takes.
   */
  readonly dnsRetries: number;
}

/** The methods that are safe to repeat (RFC 9110 §9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * Port API conduct (docs/port-api.md §3.2, docs/behaviour.md §4.2): 408/429/502/503/504 and network
 * errors, at most 10 retries, 0.3 s · 2^(n−1) ±10 %, capped at 300 s. 401 is left to the
 * Port client's token refresh; 500 is never retried.
 */
export const PORT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 10,
  statuses: TRANSIENT_STATUSES,
  methods: IDEMPOTENT_METHODS,
  baseDelayMs: 300,
  maxDelayMs: 300_000,
  jitter: 0.1,
  retryNetworkErrors: true,
  dnsRetries: 2,
});

/**
 * The third-party client offered to integrations (docs/behaviour.md §2.4 `clientTimeout`):
 * 408/429/502/503/504 and network errors on idempotent methods, at most 10 retries,
 * backoff from 0.1 s up to a 60 s cap.
 */
export const VENDOR_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 10,
  statuses: TRANSIENT_STATUSES,
  methods: IDEMPOTENT_METHODS,
  baseDelayMs: 100,
  maxDelayMs: 60_000,
  jitter: 0.1,
  retryNetworkErrors: true,
  dnsRetries: 2,
});

/** A full policy from a base preset and overrides; method names are upper-cased. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}, base: RetryPolicy = VENDOR_RETRY_POLICY): RetryPolicy {
  const merged = { ...base, ...overrides };
  return {
    ...merged,
    retries: Math.max(0, Math.floor(merged.retries)),
    dnsRetries: Math.max(0, Math.floor(merged.dnsRetries ?? base.dnsRetries)),
    methods: new Set([...merged.methods].map((m) => m.toUpperCase())),
  };
}

/**
 * What an integration sets about retries (the `retry` of the http integration's config, `ctx.http.withRetry`):
 * the statuses that are retried, replacing the default list, and the attempts in all, the first included.
 */
export interface RetrySettings {
  statuses?: readonly number[];
  attempts?: number;
}

const MAX_ATTEMPTS = 50;

/**
 * Every problem with retry settings, each naming its field (`retry.statuses[1]: …`): statuses must be HTTP error
 * statuses, attempts a whole number from 1 to 50, and no other key is known. Empty when they are valid.
 */
export function retrySettingsIssues(settings: unknown, field = 'retry'): string[] {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    return [`${field}: expected a mapping with statuses and/or attempts, got ${JSON.stringify(settings)}`];
  }
  const issues: string[] = [];
  const { statuses, attempts, ...unknown } = settings as Record<string, unknown>;
  if (statuses !== undefined) {
    if (!Array.isArray(statuses)) issues.push(`${field}.statuses: expected a list of HTTP statuses, got ${JSON.stringify(statuses)}`);
    else {
      statuses.forEach((status: unknown, i) => {
        if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
          issues.push(`${field}.statuses[${i}]: expected an HTTP status from 400 to 599, got ${JSON.stringify(status)}`);
        }
      });
    }
  }
  if (attempts !== undefined && (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > MAX_ATTEMPTS)) {
    issues.push(`${field}.attempts: expected a whole number from 1 to ${MAX_ATTEMPTS}, got ${JSON.stringify(attempts)}`);
  }
  for (const key of Object.keys(unknown)) issues.push(`${field}.${key}: unknown field`);
  return issues;
}

/**
 * Policy overrides from {@link RetrySettings}; throws an error naming each bad field.
 *
 * @example retrySettings({ statuses: [500, 503], attempts: 4 }) // { statuses: Set {500, 503}, retries: 3 }
 */
export function retrySettings(settings: RetrySettings, field = 'retry'): Partial<RetryPolicy> {
  const issues = retrySettingsIssues(settings, field);
  if (issues.length > 0) throw new Error(`[tide] ${issues.join('; ')}`);
  const out: { statuses?: ReadonlySet<number>; retries?: number } = {};
  if (settings.statuses !== undefined) out.statuses = new Set(settings.statuses);
  if (settings.attempts !== undefined) out.retries = settings.attempts - 1;
  return out;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** Whether a fetch failed because the host name did not resolve (Node reports `ENOTFOUND` or `EAI_AGAIN`). */
export function isDnsFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && DNS_CODES.has(code);
}

// Above this a bare integer is a point in time, not a duration (docs/port-api.md §3.2).
const EPOCH_SECONDS_THRESHOLD = 10_000;
// Above this it is epoch milliseconds (some vendors, e.g. Linear, send those).
const EPOCH_MILLIS_THRESHOLD = 1e12;
const NUMERIC = /^\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
// IMF-fixdate, RFC 850 and asctime all start with a day name.
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/i;

/**
 * Milliseconds to wait according to a `Retry-After` or `x-ratelimit-reset` value, or
 * `undefined` when it cannot be read. Accepts integer (or decimal) seconds, epoch seconds
 * when above 10,000, epoch milliseconds when above 10^12, an ISO date or an HTTP-date.
 * A moment already past gives 0.
 *
 * @example parseWaitHeader('120', now) // 120000
 */
export function parseWaitHeader(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (NUMERIC.test(text)) {
    const n = Number(text);
    if (n > EPOCH_MILLIS_THRESHOLD) return Math.max(0, n - now);
    if (n > EPOCH_SECONDS_THRESHOLD) return Math.max(0, n * 1000 - now);
    return n * 1000;
  }
  // Date.parse alone is too lenient ("1" parses as a year), so only date-shaped text reaches it.
  if (!ISO_DATE.test(text) && !HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff for retry `attempt` (1-based) with ± jitter, capped by the policy. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const raw = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const factor = 1 + policy.jitter * (2 * random() - 1);
  return Math.min(policy.maxDelayMs, Math.max(0, Math.round(raw * factor)));
}

/**
 * The wait before retry `attempt` (1-based): the first parseable of `Retry-After` then
 * `x-ratelimit-reset`, else exponential backoff; always capped at `policy.maxDelayMs`.
 * `x-ratelimit-reset` is skipped when `x-ratelimit-remaining` says budget is left (and the
 * status is not 429): Port sends the reset on every response, and a 502 should not wait
 * for the window to end.
 */
export function retryDelay(
  response: Response | undefined,
  attempt: number,
  policy: RetryPolicy,
  now: number = Date.now(),
  random: () => number = Math.random,
): number {
  if (response) {
    const headers = response.headers;
    const fromRetryAfter = parseWaitHeader(headers.get('retry-after'), now);
    if (fromRetryAfter !== undefined) return Math.min(policy.maxDelayMs, fromRetryAfter);
    const remaining = parseCount(headers.get('x-ratelimit-remaining'));
    if (remaining === undefined || remaining === 0 || response.status === 429) {
      const fromReset = parseWaitHeader(headers.get('x-ratelimit-reset'), now);
      if (fromReset !== undefined) return Math.min(policy.maxDelayMs, fromReset);
    }
  }
  return backoffDelay(attempt, policy, random);
}

/** A non-negative integer header value, or undefined. */
export function parseCount(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * GitHub signals exhaustion with 403 (not 429): `x-ratelimit-remaining: 0`, or a
 * `Retry-After` for its secondary limits. Such a 403 is worth retrying after the wait.
 */
export function isRateLimited403(response: Response): boolean {
  if (response.status !== 403) return false;
  return parseCount(response.headers.get('x-ratelimit-remaining')) === 0 || response.headers.has('retry-after');
}

/** Whether a response status (or a GitHub-style rate-limit 403) is worth a retry under `policy`. */
export function isRetryableResponse(response: Response, policy: RetryPolicy): boolean {
  return policy.statuses.has(response.status) || isRateLimited403(response);
}
