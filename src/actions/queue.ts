/**
 * The agent's run queue (docs/behaviour.md §11.4): claimed runs wait here until a worker takes them. At most
 * `workers` run at once (p-limit, whose FIFO the workers share), and the runs of one partition key enter that
 * FIFO one at a time, the next only once the previous has finished, so they run strictly in claim order.
 */
import { createLimiter } from '../http/index.ts';

export interface QueuedRun {
  id: string;
}

export interface RunQueue<R extends QueuedRun> {
  /** Queue a run; with a key it waits behind the key's earlier runs. */
  push(run: R, partitionKey?: string): void;
  /** Whether the run is queued or running. */
  has(id: string): boolean;
  /** Claimed and not yet started. */
  readonly queued: number;
  readonly running: number;
  /** The runs not yet started. */
  waiting(): R[];
  /** Drop every run not yet started; running runs go on. Returns the dropped runs. */
  clear(): R[];
  /** Resolves when a run next finishes (at once when none is queued or running). */
  nextFinish(): Promise<void>;
}

export function createRunQueue<R extends QueuedRun>(workers: number, execute: (run: R) => Promise<void>): RunQueue<R> {
  const limit = createLimiter(workers);
  const waiting = new Map<string, R>();
  const running = new Map<string, string | undefined>();
  // Per key: the runs behind the one the key has in the FIFO (or running).
  const behind = new Map<string, R[]>();
  let generation = 0;
  let finished: Array<() => void> = [];

  const notify = (): void => {
    const waiters = finished;
    finished = [];
    for (const w of waiters) w();
  };

  function submit(run: R, key: string | undefined): void {
    const gen = generation;
    void limit(async () => {
      // Dropped by clear() after p-limit had already dequeued it.
      if (gen !== generation || !waiting.delete(run.id)) return;
      running.set(run.id, key);
      try {
        await execute(run);
      } finally {
        running.delete(run.id);
        if (key !== undefined) advance(key);
        notify();
      }
    });
  }

  function advance(key: string): void {
    const rest = behind.get(key);
    const next = rest?.shift();
    if (next) submit(next, key);
    else behind.delete(key);
  }

  return {
    push(run, key) {
      waiting.set(run.id, run);
      if (key === undefined) return submit(run, undefined);
      const rest = behind.get(key);
      if (rest) rest.push(run);
      else {
        behind.set(key, []);
        submit(run, key);
      }
    },
    has: (id) => waiting.has(id) || running.has(id),
    get queued() {
      return waiting.size;
    },
    get running() {
      return running.size;
    },
    waiting: () => [...waiting.values()],
    clear() {
      generation += 1;
      limit.clearQueue();
      const dropped = [...waiting.values()];
      waiting.clear();
      behind.clear();
      // A key stays held only by the run it has running; its successors were dropped.
      for (const key of running.values()) if (key !== undefined) behind.set(key, []);
      return dropped;
    },
    nextFinish: () => (running.size === 0 && waiting.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => finished.push(resolve))),
  };
}
