/**
 * A hard bound on requests in flight, shaped as the http toolkit's `RateLimiter` so the fetch client
 * takes a permit before each attempt and returns it when the answer (or failure) arrives. Retries
 * and their back-off waits therefore hold no permit, and the attempt's timeout starts only once the
 * permit is granted. Used for Port upserts (docs/behaviour.md §4.6: at most `upsertEntitiesConcurrency`
 * upsert requests in flight, bulk and single together).
 */
import { abortReason } from '../http/index.ts';
import type { RateLimiter, RateLimitRelease, RateLimitState } from '../http/index.ts';

/** A FIFO semaphore of `max` permits. */
export function createInFlightLimiter(max: number): RateLimiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`[tide] concurrency must be a positive integer, got ${max}`);
  let inFlight = 0;
  const queue: Array<() => void> = [];

  const release = (): RateLimitRelease => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      inFlight--;
      const next = queue.shift();
      if (next) {
        inFlight++;
        next();
      }
    };
  };

  return {
    acquire(signal?: AbortSignal): Promise<RateLimitRelease> {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (inFlight < max && queue.length === 0) {
        inFlight++;
        return Promise.resolve(release());
      }
      return new Promise<RateLimitRelease>((resolve, reject) => {
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release());
        };
        const onAbort = (): void => {
          const index = queue.indexOf(grant);
          if (index >= 0) queue.splice(index, 1);
          reject(abortReason(signal as AbortSignal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(grant);
      });
    },
    update(): void {
      // Concurrency only: rate-limit headers are the retry policy's business.
    },
    state(): RateLimitState {
      return { remaining: undefined, limit: max, resetAt: undefined, inFlight, waiting: queue.length };
    },
  };
}
