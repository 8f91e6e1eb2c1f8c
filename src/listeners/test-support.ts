/**
 * Test doubles shared by the listener tests: a sleep the test steps by hand and a resync trigger that
 * counts calls and can hold a resync open. Not exported from the module's index.
 */
import type { SleepFn } from '../http/sleep.ts';
import type { ResyncOutcome, ResyncTrigger, ResyncTriggerKind } from './types.ts';

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

/** Resolves waiters whose condition has become true; call after every state change. */
function createSignal() {
  const waiters: Waiter[] = [];
  return {
    until(ready: () => boolean): Promise<void> {
      if (ready()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ ready, resolve }));
    },
    notify(): void {
      for (const w of [...waiters]) {
        if (w.ready()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
  };
}

/** A sleep that waits until the test calls `wake()`; it records each requested duration. */
export function createSteppedSleep() {
  const pending: Array<() => void> = [];
  const durations: number[] = [];
  const signal = createSignal();
  const sleep: SleepFn = (ms, abort) =>
    new Promise<void>((resolve, reject) => {
      if (abort?.aborted) return reject(abort.reason);
      durations.push(ms);
      const wake = () => {
        abort?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        pending.splice(pending.indexOf(wake), 1);
        reject(abort!.reason);
        signal.notify();
      };
      abort?.addEventListener('abort', onAbort, { once: true });
      pending.push(wake);
      signal.notify();
    });
  return {
    sleep,
    durations,
    /** True while the loop is in a sleep. */
    get sleeping() {
      return pending.length > 0;
    },
    /** Resolves once the loop has entered its `n`-th sleep (1-based) and is still in it. */
    sleepNumber: (n: number) => signal.until(() => durations.length >= n && pending.length > 0),
    /** End the current sleep. */
    wake(): void {
      const next = pending.shift();
      if (!next) throw new Error('wake() while nothing sleeps');
      next();
    },
  };
}

/** A trigger that records each call; with `hold()`, resyncs stay open until `release()`. */
export function createCountingTrigger(outcome: ResyncOutcome | Error = 'completed') {
  const calls: ResyncTriggerKind[] = [];
  const signal = createSignal();
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let running = 0;
  let maxConcurrent = 0;
  const trigger: ResyncTrigger = {
    async resync({ trigger: kind }) {
      calls.push(kind);
      running++;
      maxConcurrent = Math.max(maxConcurrent, running);
      signal.notify();
      try {
        if (gate) await gate.promise;
        if (outcome instanceof Error) throw outcome;
        return { status: outcome };
      } finally {
        running--;
        signal.notify();
      }
    },
  };
  return {
    trigger,
    calls,
    get running() {
      return running;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    /** Make the following resyncs wait for `release()`. */
    hold(): void {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
    },
    release(): void {
      gate?.open();
      gate = undefined;
    },
    /** Resolves once `n` resyncs have started. */
    callNumber: (n: number) => signal.until(() => calls.length >= n),
  };
}

/** Let pending I/O and promise callbacks run (the in-process emulator answers within a few turns). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
