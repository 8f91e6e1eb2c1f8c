/*
 * Shared rate-limit budget, learned from response headers.
 *
 * Algorithm. The limiter keeps what the server last said — `remaining` requests until
 * `resetAt` (and the window's `limit`) — plus `inFlight`, the requests admitted but not yet
 * answered. A caller is admitted while `remaining − inFlight > minRemaining`: requests
 * already on the wire will each spend one unit, so counting them is what makes concurrent
 * callers slow down before the server refuses them. Everyone else queues (FIFO). One timer
 * waits until `resetAt`; when it passes, the window is assumed full again (`remaining =
 * limit`, or unknown) and queued callers are admitted under the same rule. A 429, a
 * GitHub-style 403 (`x-ratelimit-remaining: 0` or `Retry-After`) or a 503 with `Retry-After`
 * sets `remaining = 0` until the server's stated time. Without a known reset nobody would
 * wake the queue, so when nothing is in flight one caller is let through as a probe.
 */
import { parseCount, parseWaitHeader, isRateLimited403 } from './retry-policy.ts';
import { abortReason, sleep as defaultSleep } from './sleep.ts';
import type { SleepFn } from './sleep.ts';

export interface RateLimiterOptions {
  now?: () => number;
  /** Used for the single wait until reset; receives an AbortSignal to cancel it. */
  sleep?: SleepFn;
  /** Units of budget kept unused: callers queue once `remaining` would fall to this. Default 0. */
  minRemaining?: number;
  /** Longest a single header may hold callers, against nonsense values. Default 300 s. */
  maxWaitMs?: number;
}

/** Called once when the admitted request has been answered or has failed. */
export type RateLimitRelease = () => void;

export interface RateLimitState {
  remaining: number | undefined;
  limit: number | undefined;
  resetAt: number | undefined;
  inFlight: number;
  waiting: number;
}

export interface RateLimiter {
  /** Wait for budget; resolves with a release function. Rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<RateLimitRelease>;
  /** Learn from a response's rate-limit headers (call before releasing its permit). */
  update(response: Response): void;
  /** A snapshot, for logs and tests. */
  state(): RateLimitState;
}

interface Waiter {
  grant: () => void;
}

// Two resets closer than this are the same window (relative-seconds headers drift by ms).
const SAME_WINDOW_MS = 1000;

/**
 * A rate limiter shared by every caller of one API budget. Give the same instance to the
 * http client(s) that spend that budget.
 *
 * @example
 * const limiter = createRateLimiter({ minRemaining: 5 });
 * const github = createHttpClient({ baseUrl: 'https://api.github.com', rateLimiter: limiter });
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const reserve = Math.max(0, options.minRemaining ?? 0);
  const maxWaitMs = options.maxWaitMs ?? 300_000;

  let remaining: number | undefined;
  let limit: number | undefined;
  let resetAt: number | undefined;
  let inFlight = 0;
  const queue: Waiter[] = [];
  let timer: { at: number; controller: AbortController } | undefined;

  function rollover(t: number): void {
    if (resetAt !== undefined && t >= resetAt) {
      remaining = limit;
      resetAt = undefined;
    }
  }

  function canGo(t: number): boolean {
    rollover(t);
    if (remaining === undefined) return true;
    if (remaining - inFlight > reserve) return true;
    return resetAt === undefined && inFlight === 0;
  }

  function makeRelease(): RateLimitRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight--;
      pump();
    };
  }

  function cancelTimer(): void {
    timer?.controller.abort();
    timer = undefined;
  }

  function schedule(at: number): void {
    if (timer?.at === at) return;
    cancelTimer();
    const controller = new AbortController();
    timer = { at, controller };
    sleep(Math.max(0, at - now()), controller.signal).then(
      () => {
        if (timer?.controller === controller) timer = undefined;
        pump();
      },
      () => {
        // Cancelled because the reset moved or the queue emptied.
      },
    );
  }

  function pump(): void {
    const t = now();
    while (queue.length > 0 && canGo(t)) {
      const waiter = queue.shift() as Waiter;
      inFlight++;
      waiter.grant();
    }
    if (queue.length > 0 && resetAt !== undefined) schedule(resetAt);
    else cancelTimer();
  }

  function acquire(signal?: AbortSignal): Promise<RateLimitRelease> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (queue.length === 0 && canGo(now())) {
      inFlight++;
      return Promise.resolve(makeRelease());
    }
    return new Promise<RateLimitRelease>((resolve, reject) => {
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(abortReason(signal as AbortSignal));
        pump();
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(makeRelease());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      pump();
    });
  }

  function update(response: Response): void {
    const t = now();
    const headers = response.headers;
    const rem = parseCount(headers.get('x-ratelimit-remaining'));
    const lim = parseCount(headers.get('x-ratelimit-limit'));
    const resetIn = parseWaitHeader(headers.get('x-ratelimit-reset'), t);
    const newReset = resetIn === undefined ? undefined : t + Math.min(resetIn, maxWaitMs);

    if (lim !== undefined) limit = lim;
    if (rem !== undefined) {
      // Answers can arrive out of order; within one window the budget only shrinks.
      const sameWindow = newReset !== undefined && resetAt !== undefined && Math.abs(newReset - resetAt) < SAME_WINDOW_MS;
      remaining = sameWindow && remaining !== undefined ? Math.min(remaining, rem) : rem;
      if (newReset !== undefined) resetAt = newReset;
    }

    const refused =
      response.status === 429 || isRateLimited403(response) || (response.status === 503 && headers.has('retry-after'));
    if (refused) {
      const retryIn = parseWaitHeader(headers.get('retry-after'), t);
      const until = retryIn !== undefined ? t + Math.min(retryIn, maxWaitMs) : newReset;
      remaining = 0;
      if (until !== undefined) resetAt = until;
    }
    pump();
  }

  return {
    acquire,
    update,
    state: () => ({ remaining, limit, resetAt, inFlight, waiting: queue.length }),
  };
}
