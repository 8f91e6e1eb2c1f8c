/** A sleep function the toolkit can be given, so tests can record waits instead of waiting. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The reason an aborted signal carries, falling back to an `AbortError` DOMException
 * for runtimes or callers that abort without one.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Wait `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts.
 *
 * @example await sleep(300, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One signal that aborts when any of `signals` does, with that signal's reason.
 * Uses `AbortSignal.any` where the runtime has it (Node ≥ 20.3, workerd, Deno).
 * The fallback detaches its listeners once it fires; `dispose` detaches them early
 * so a long-lived caller signal does not collect one listener per request.
 */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined | null>): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const present = signals.filter((s): s is AbortSignal => s != null);
  if (present.length === 1) return { signal: present[0], dispose: () => {} };
  const native = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (typeof native === 'function') return { signal: native.call(AbortSignal, present), dispose: () => {} };

  const controller = new AbortController();
  const listeners: Array<() => void> = [];
  const dispose = (): void => {
    present.forEach((s, i) => s.removeEventListener('abort', listeners[i]));
  };
  for (const s of present) {
    if (s.aborted) {
      controller.abort(abortReason(s));
      dispose();
      return { signal: controller.signal, dispose: () => {} };
    }
    const onAbort = (): void => {
      dispose();
      controller.abort(abortReason(s));
    };
    listeners.push(onAbort);
    s.addEventListener('abort', onAbort, { once: true });
  }
  return { signal: controller.signal, dispose };
}

/**
 * Settle with `promise`, or reject with the signal's reason as soon as it fires (the promise keeps
 * running; its later outcome is ignored).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
