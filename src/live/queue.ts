/**
 * The live-event queue (docs/behaviour.md §6.3): one FIFO per path with one worker, so events on a path
 * are processed in arrival order. On shutdown the queue stops taking events, gets a grace period to
 * drain, then aborts its signal (runs call `cancel()` on their processors) and drops what is left.
 */
import type { SleepFn } from '../http/index.ts';
import { sleep as realSleep } from '../http/index.ts';

/** Time as the live-event module sees it; tests inject a fake. */
export interface Clock {
  now(): number;
  sleep: SleepFn;
}

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = { now: () => Date.now(), sleep: realSleep };

/** Raised as the abort reason when the drain period is over. */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
  constructor() {
    super('[tide] live events: shutting down, the drain period is over');
  }
}

/** The outcome of {@link EventQueue.drain}. */
export interface DrainResult {
  /** True when everything queued finished within the period. */
  drained: boolean;
  /** Events never started because the period ran out. */
  dropped: number;
}

/** One FIFO with one worker. */
export interface EventQueue<T> {
  /** Queue an item; false (nothing queued) once the queue is closing. */
  enqueue(item: T): boolean;
  /** Items waiting, not counting the one being processed. */
  readonly pending: number;
  readonly busy: boolean;
  readonly closed: boolean;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /** Stop taking items; wait up to `timeoutMs` for the rest, then abort the running item and drop the others. */
  drain(timeoutMs: number): Promise<DrainResult>;
}

export interface EventQueueOptions<T> {
  /** Process one item; `signal` aborts when the drain period is over. Errors are passed to `onError`. */
  process(item: T, signal: AbortSignal): Promise<void>;
  onError?(error: unknown, item: T): void;
  clock?: Clock;
}

/**
 * Create a FIFO queue consumed by a single worker.
 *
 * @example
 * const q = createEventQueue({ process: async (event, signal) => handle(event, signal) });
 * q.enqueue(event);
 * await q.drain(5000);
 */
export function createEventQueue<T>(options: EventQueueOptions<T>): EventQueue<T> {
  const clock = options.clock ?? systemClock;
  const items: T[] = [];
  const shutdown = new AbortController();
  let working: Promise<void> | undefined;
  let closed = false;

  async function work(): Promise<void> {
    while (items.length > 0 && !shutdown.signal.aborted) {
      const item = items.shift() as T;
      try {
        await options.process(item, shutdown.signal);
      } catch (error) {
        options.onError?.(error, item);
      }
    }
  }

  function start(): void {
    if (working) return;
    working = work().finally(() => {
      working = undefined;
      // An item queued while the last one finished would otherwise wait for the next enqueue.
      if (items.length > 0 && !shutdown.signal.aborted) start();
    });
  }

  async function idle(): Promise<void> {
    while (working) await working;
  }

  return {
    enqueue(item) {
      if (closed) return false;
      items.push(item);
      start();
      return true;
    },
    get pending() {
      return items.length;
    },
    get busy() {
      return working !== undefined;
    },
    get closed() {
      return closed;
    },
    idle,
    async drain(timeoutMs) {
      closed = true;
      const stopTimer = new AbortController();
      let timedOut = false;
      const timer = clock.sleep(timeoutMs, stopTimer.signal).then(
        () => {
          timedOut = true;
        },
        () => {},
      );
      await Promise.race([idle(), timer]);
      stopTimer.abort();
      if (!timedOut || (!working && items.length === 0)) return { drained: true, dropped: 0 };
      const dropped = items.length;
      items.length = 0;
      shutdown.abort(new ShutdownError());
      await idle();
      return { drained: false, dropped };
    },
  };
}
