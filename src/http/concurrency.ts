import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { abortReason } from './sleep.ts';

export type { LimitFunction };

/**
 * A function that runs at most `concurrency` of the tasks given to it at once (p-limit).
 *
 * @example const limit = createLimiter(8); await Promise.all(batches.map((b) => limit(() => upsert(b))));
 */
export function createLimiter(concurrency: number): LimitFunction {
  return pLimit(concurrency);
}

/**
 * Map `items` through `fn` with at most `concurrency` calls in flight; results keep the
 * input order. After the first failure (or an abort) no further item is started and the
 * promise rejects with that error; calls already running finish unobserved.
 */
export async function mapConcurrent<T, R>(
  items: Iterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<R> | R,
  options: { signal?: AbortSignal } = {},
): Promise<R[]> {
  const { signal } = options;
  signal?.throwIfAborted();
  const limit = pLimit(concurrency);
  let failed = false;
  const tasks = Array.from(items, (item, index) =>
    limit(async () => {
      // p-limit only drops queued tasks on clearQueue; this also covers tasks it already dequeued.
      if (failed) return undefined as R;
      signal?.throwIfAborted();
      return fn(item, index);
    }),
  );
  const stop = (): void => {
    failed = true;
    limit.clearQueue();
  };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      stop();
      reject(abortReason(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      Promise.all(
        tasks.map((task) =>
          task.catch((error: unknown) => {
            stop();
            throw error;
          }),
        ),
      ),
      aborted,
    ]);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    stop();
  }
}
