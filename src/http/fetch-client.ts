import { HttpError, NetworkError, redactUrl } from './errors.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { logRetry } from './retry-log.ts';
import type { RetryLogger } from './retry-log.ts';
import { isDnsFailure, isRetryableResponse, resolveRetryPolicy, retryDelay, retrySettings, VENDOR_RETRY_POLICY } from './retry-policy.ts';
import type { RetryPolicy, RetrySettings } from './retry-policy.ts';
import { abortReason, anySignal, sleep as defaultSleep } from './sleep.ts';
import type { SleepFn } from './sleep.ts';

/** What `onRetry` is told before each wait; the URL is redacted and headers are never included. */
export interface RetryInfo {
  /** The retry about to happen, 1-based. */
  attempt: number;
  delayMs: number;
  method: string;
  url: string;
  /** The status that caused the retry, when there was a response. */
  status?: number;
  /** The network error or timeout that caused the retry, when there was none. */
  error?: unknown;
}

export interface HttpClientOptions {
  /** The transport; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Prefixed to relative request paths (joined with exactly one `/`). */
  baseUrl?: string;
  /** Sent with every request; per-request headers win. */
  headers?: HeadersInit;
  /**
   * Per-attempt deadline covering the response headers and the whole body: `request()` resolves once the body
   * has arrived, and a stall past the deadline is a retryable network error. Default 60 s; 0 disables.
   */
  timeoutMs?: number;
  /** Overrides on top of `retryBase`. */
  retry?: Partial<RetryPolicy>;
  /** The preset the overrides apply to. Default `VENDOR_RETRY_POLICY`. */
  retryBase?: RetryPolicy;
  /** Shared budget; acquired before and updated after every attempt. */
  rateLimiter?: RateLimiter;
  sleep?: SleepFn;
  now?: () => number;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
  /** Every retry is a WARN line here (method, host, reason, attempt, wait; never the path or a header). */
  logger?: RetryLogger;
}

export interface RequestOptions extends RequestInit {
  /** Force retries on (e.g. an idempotent POST) or off; default: the policy's methods. */
  retryable?: boolean;
  /** Overrides the client's per-attempt deadline (headers and body); 0 disables. */
  timeoutMs?: number;
  /** Statuses retried (replacing the client's list) and attempts in all, for this request. */
  retry?: RetrySettings;
}

export interface HttpClient {
  /**
   * Send with retries; resolves with the final Response whatever its status (the caller
   * decides). Throws `NetworkError` when no response came, or the abort reason on abort.
   */
  request(input: string | URL, init?: RequestOptions): Promise<Response>;
  /** `request`, then the parsed JSON body; throws `HttpError` on a non-2xx status. 204 gives undefined. */
  json<T = unknown>(input: string | URL, init?: RequestOptions): Promise<T>;
  /** The policy in force, after overrides. */
  readonly retryPolicy: RetryPolicy;
  /**
   * The same client (transport, deadline, rate limiter, logger) retrying these statuses, replacing its list,
   * with at most `attempts` attempts in all. Throws naming the field when a setting is out of range.
   *
   * @example const http = ctx.http.withRetry({ statuses: [500, 502, 503], attempts: 4 });
   */
  withRetry(settings: RetrySettings): HttpClient;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A fetch wrapper over an injected transport: per-attempt timeout, retries as data with
 * backoff honouring `Retry-After` / `x-ratelimit-reset`, an optional shared rate limiter,
 * and cancellation through `AbortSignal`. Web standards only.
 *
 * @example
 * const client = createHttpClient({ baseUrl: 'https://api.example.com', timeoutMs: 30_000 });
 * const repos = await client.json<Repo[]>('/repos', { signal });
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return clientWith(options, resolveRetryPolicy(options.retry, options.retryBase ?? VENDOR_RETRY_POLICY));
}

function clientWith(options: HttpClientOptions, clientPolicy: RetryPolicy): HttpClient {
  const transport = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const limiter = options.rateLimiter;

  async function request(input: string | URL, init: RequestOptions = {}): Promise<Response> {
    const { retryable, timeoutMs: requestTimeout, signal: callerSignal, headers, retry, ...rest } = init;
    const policy = retry ? resolveRetryPolicy(retrySettings(retry), clientPolicy) : clientPolicy;
    const url = resolveUrl(options.baseUrl, input);
    const method = (init.method ?? 'GET').toUpperCase();
    const mergedHeaders = mergeHeaders(options.headers, headers);
    const timeoutMs = requestTimeout ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = callerSignal ?? undefined;
    // A stream is consumed by the first attempt, so it cannot be sent twice.
    const canRetry = isReplayable(init.body) && (retryable ?? policy.methods.has(method));
    const shownUrl = redactUrl(url);
    let dnsFailures = 0;

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const release = limiter ? await limiter.acquire(signal) : undefined;

      // One deadline per attempt covers the headers and the whole body: a server that stalls mid-body
      // would otherwise hang its caller for ever (docs/behaviour.md §4.2).
      const timeout = timeoutMs > 0 ? new AbortController() : undefined;
      const timer = timeout
        ? setTimeout(() => timeout.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs)
        : undefined;
      const combined = anySignal([signal, timeout?.signal]);
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await transport(url, { ...rest, method, headers: mergedHeaders, signal: combined.signal });
      } catch (error) {
        failure = error;
      } finally {
        if (response) limiter?.update(response);
        release?.();
      }
      const retryStatus =
        response !== undefined && canRetry && attempt < policy.retries && isRetryableResponse(response, policy);
      if (response && !retryStatus && !signal?.aborted) {
        try {
          response = await readWhole(response, combined.signal);
        } catch (error) {
          failure = error;
          response = undefined;
        }
      }
      clearTimeout(timer);
      combined.dispose();

      if (signal?.aborted) {
        if (response) await discard(response);
        throw abortReason(signal);
      }

      let delayMs: number;
      let retries = policy.retries;
      if (response === undefined) {
        const timedOut = timeout?.signal.aborted === true;
        const error = timedOut ? timeout?.signal.reason : failure;
        if (!timedOut && isDnsFailure(failure)) {
          // A host name that does not resolve: at most `dnsRetries` retries for such failures.
          dnsFailures += 1;
          retries = Math.min(retries, attempt + 1 + policy.dnsRetries - dnsFailures);
        }
        if (!canRetry || !policy.retryNetworkErrors || attempt >= retries) {
          throw new NetworkError({ method, url, attempts: attempt + 1, timedOut, cause: error });
        }
        delayMs = retryDelay(undefined, attempt + 1, policy, now(), random);
        options.onRetry?.({ attempt: attempt + 1, delayMs, method, url: shownUrl, error });
        if (options.logger) logRetry(options.logger, { method, url, attempt: attempt + 1, retries, delayMs, error, timedOut });
      } else {
        if (!retryStatus) return response;
        delayMs = retryDelay(response, attempt + 1, policy, now(), random);
        // An unread body would hold its connection open.
        await discard(response);
        options.onRetry?.({ attempt: attempt + 1, delayMs, method, url: shownUrl, status: response.status });
        if (options.logger) logRetry(options.logger, { method, url, attempt: attempt + 1, retries, delayMs, status: response.status });
      }
      await sleep(delayMs, signal);
    }
  }

  async function json<T>(input: string | URL, init: RequestOptions = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (!headers.has('accept') && !new Headers(options.headers).has('accept')) headers.set('accept', 'application/json');
    const response = await request(input, { ...init, headers });
    const method = (init.method ?? 'GET').toUpperCase();
    const url = resolveUrl(options.baseUrl, input);
    return readJson<T>(response, method, url);
  }

  return {
    request,
    json,
    retryPolicy: clientPolicy,
    withRetry: (settings) => clientWith(options, resolveRetryPolicy(retrySettings(settings), clientPolicy)),
  };
}

/**
 * The JSON body of a response; throws `HttpError` on a non-2xx status and a clear error
 * on a body that is not JSON. An empty body (e.g. 204) gives `undefined`.
 */
export async function readJson<T>(response: Response, method: string, url: string): Promise<T> {
  if (!response.ok) throw await HttpError.fromResponse(response, method, url);
  const text = await response.text();
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`[tide] ${method} ${redactUrl(url)}: response is not JSON (starts with ${JSON.stringify(text.slice(0, 80))})`);
  }
}

function resolveUrl(baseUrl: string | undefined, input: string | URL): string {
  const text = input.toString();
  if (!baseUrl || /^[a-z][a-z\d+.-]*:/i.test(text)) return text;
  return `${baseUrl.replace(/\/+$/, '')}/${text.replace(/^\/+/, '')}`;
}

function mergeHeaders(defaults: HeadersInit | undefined, perRequest: HeadersInit | undefined): Headers {
  const merged = new Headers(defaults);
  new Headers(perRequest).forEach((value, name) => merged.set(name, value));
  return merged;
}

function isReplayable(body: BodyInit | null | undefined): boolean {
  if (body == null || typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (body instanceof URLSearchParams) return true;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return true;
  if (typeof FormData !== 'undefined' && body instanceof FormData) return true;
  return false;
}

// Statuses whose Response may not carry a body (the Fetch standard's null body statuses).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The response with its body read to the end, or a rejection as soon as `signal` aborts (the deadline or the
 * caller) or the body breaks off. Aborting cancels the stream itself, since not every transport ties the body
 * to the request's signal (undici does; mocks and in-process apps do not).
 */
async function readWhole(response: Response, signal: AbortSignal): Promise<Response> {
  if (response.body === null) return response;
  const reader = response.body.getReader();
  const onAbort = (): void => {
    reader.cancel(abortReason(signal)).catch(() => {
      // A stream that cannot be cancelled is dropped with the reader.
    });
  };
  const chunks: Uint8Array[] = [];
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) onAbort();
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled stream reads as done: only the signal tells a cut-off body from a complete one.
      if (signal.aborted) throw abortReason(signal);
      if (done) break;
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // The chunks as they came, not joined: a page is not held twice while its caller decodes it.
  const body = NULL_BODY_STATUSES.has(response.status)
    ? null
    : new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function discard(response: Response): Promise<void> {
  // Free the connection without waiting: some fetch implementations (mocks, proxies) never settle
  // the cancel of a body they produced, and a retry must not hang on it.
  response.body?.cancel().catch(() => {
    // Already consumed or errored: nothing left to free.
  });
}
