/**
 * One running resync per instance (§4.8): starting a resync aborts the one in progress, whatever
 * triggered either; the new one starts once the old one has stopped (it stops at its current kind,
 * so this is short). Shutdown aborts with reason `shutdown`. An incremental run (§4.12) starts only
 * when nothing runs, and a resync supersedes it like any other.
 */

export type AbortReason = 'superseded' | 'shutdown';

/** What a run sees of its own lifecycle. */
export interface RunHandle {
  signal: AbortSignal;
  /** Why the signal fired, once it has. */
  abortReason(): AbortReason | undefined;
}

interface Entry {
  controller: AbortController;
  reason?: AbortReason;
  done: Promise<unknown>;
  release(): void;
}

/** Serialises resyncs: the newest wins. */
export class ResyncCoordinator {
  private current: Entry | undefined;

  /** True while a resync runs. */
  get running(): boolean {
    return this.current !== undefined;
  }

  /** Run `fn` as the instance's resync, superseding the one in progress. */
  async run<T>(fn: (handle: RunHandle) => Promise<T>): Promise<T> {
    const previous = this.current;
    const entry = this.enter();
    if (previous) {
      previous.reason ??= 'superseded';
      previous.controller.abort(new Error('[tide] resync superseded by a newer resync'));
      await previous.done;
    }
    return this.execute(entry, fn);
  }

  /**
   * Run `fn` only when nothing runs (an incremental run, §4.12: one sync at a time, and it never supersedes);
   * resolves `undefined` at once otherwise. A later `run` supersedes it like any resync.
   */
  async tryRun<T>(fn: (handle: RunHandle) => Promise<T>): Promise<T | undefined> {
    if (this.current) return undefined;
    return this.execute(this.enter(), fn);
  }

  private enter(): Entry {
    let release!: () => void;
    const entry = { controller: new AbortController(), done: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
    this.current = entry;
    return entry;
  }

  private async execute<T>(entry: Entry, fn: (handle: RunHandle) => Promise<T>): Promise<T> {
    try {
      return await fn({ signal: entry.controller.signal, abortReason: () => entry.reason });
    } finally {
      if (this.current === entry) this.current = undefined;
      entry.release();
    }
  }

  /** Abort the running resync (shutdown); resolves once it has stopped. Returns whether one was running. */
  async abortAll(reason: AbortReason = 'shutdown'): Promise<boolean> {
    const entry = this.current;
    if (!entry) return false;
    entry.reason ??= reason;
    entry.controller.abort(new Error(`[tide] resync aborted (${reason})`));
    await entry.done;
    return true;
  }
}
