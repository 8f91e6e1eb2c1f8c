/**
 * Tide's HTTP toolkit: one retry / rate-limit / pagination / timeout layer for the Port
 * client and every vendor client. Web standards only (Node, workerd, Deno).
 */
export { createHttpClient, readJson } from './fetch-client.ts';
export type { HttpClient, HttpClientOptions, RequestOptions, RetryInfo } from './fetch-client.ts';
export {
  IDEMPOTENT_METHODS,
  PORT_RETRY_POLICY,
  VENDOR_RETRY_POLICY,
  backoffDelay,
  isRateLimited403,
  isRetryableResponse,
  parseWaitHeader,
  isDnsFailure,
  resolveRetryPolicy,
  retryDelay,
  retrySettings,
  retrySettingsIssues,
} from './retry-policy.ts';
export type { RetryPolicy, RetrySettings } from './retry-policy.ts';
export { logRetry } from './retry-log.ts';
export type { RetryEvent, RetryLogger } from './retry-log.ts';
export { createRateLimiter } from './rate-limiter.ts';
export type { RateLimiter, RateLimiterOptions, RateLimitRelease, RateLimitState } from './rate-limiter.ts';
export {
  paginateCursor,
  paginateLinkHeader,
  paginateOffset,
  paginatePageNumber,
  parseLinkHeader,
  valueAt,
  withParams,
} from './pagination.ts';
export type {
  CursorOptions,
  LinkValue,
  OffsetOptions,
  PageNumberOptions,
  PageRequester,
  PaginateBase,
  PathSpec,
} from './pagination.ts';
export { createLimiter, mapConcurrent } from './concurrency.ts';
export type { LimitFunction } from './concurrency.ts';
export { HttpError, NetworkError, errorCode, redactUrl } from './errors.ts';
export { abortReason, anySignal, raceAbort, sleep } from './sleep.ts';
export type { SleepFn } from './sleep.ts';
