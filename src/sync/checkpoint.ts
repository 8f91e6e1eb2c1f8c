/**
 * The state of a resync between its steps: where it stands after the last fully processed page, its
 * counters, and its seen set. Every resync is a run of steps over such a store: on Workers a durable
 * one (a step per Durable Object alarm), on Node and Deno one in memory for the length of the run.
 */
import type { KindReport } from './report.ts';
import type { SeenKeys } from './seen.ts';
import { SeenSet } from './seen.ts';
import type { FailedEntity } from './upsert.ts';
import { createMemorySlot, type CheckpointSlot } from './run-steps.ts';

/** Everything but the seen set, saved after each page. JSON only. */
export interface ResyncCheckpoint {
  resyncId: string;
  /** ISO, on Tide's clock: when the resync began (the report's `startedAt`, resync-state's `lastResyncStart`). */
  startedAt: string;
  /**
   * ISO, on Port's clock: the same instant as Port's answers place it (port-clock.ts), sent as `before` at
   * reconciliation so live writes made during the resync are never stale. Set by the first step, kept across
   * invocations; absent before that.
   */
  before?: string;
  /** `start`: nothing done yet; `resources`: extracting; `reconcile`: every resource is done. */
  phase: 'start' | 'resources' | 'reconcile';
  /** The mapping (`integration.config`) as read at the start: every step uses this snapshot. */
  mapping?: unknown;
  /** Where the mapping came from, for error messages (default: Port's integration config). */
  mappingSource?: string;
  previousStateUnknown: boolean;
  /** The resource being processed. */
  resourceIndex: number;
  /**
   * Where extraction of that resource stands (extract.ts): 0 while the array handlers' batch is due,
   * n ≥ 1 while paging through the n-th async-iterable handler (`iterables[n - 1]`).
   */
  handlerIndex: number;
  /** Handler indices of the resource's async-iterable handlers, in the order they run (set after unit 0). */
  iterables?: number[];
  /**
   * The current handler's cursor after the last processed page; absent: it starts from its first page.
   * A step saves only where it can resume (after a page with a cursor, between handlers, between
   * resources), so a handler restarted from its first page finds the counters, failed list and
   * examples as they were when it started: nothing is counted twice.
   */
  cursor?: { value: unknown };
  kinds: KindReport[];
  /** Resync-level errors (e.g. onResyncStart), for the report. */
  errors: string[];
  failed: FailedEntity[];
  /** Entities of the current resource whose request failed for want of an answer: sent once more when it ends (§4.6). */
  requeue?: FailedEntity[];
  /** Per blueprint, the undeclared property keys already named in a warning this resync (§4.5). */
  undeclared?: Record<string, string[]>;
  attributes: Record<string, unknown>;
  /** Kinds whose raw-data examples were claimed (once per kind per resync, by its first resource). */
  examplesSent: string[];
  /** The examples (masked) of the claimed kind still being filled, sent once 5 are in or its resource ends. */
  examples?: { kind: string; items: unknown[] };
  steps: number;
  pages: number;
}

/**
 * Where a resync lives between its steps. `save` must be durable when it resolves, and `load` returns
 * what the last `save` saved (or nothing after `clear`). `seen()` writes through: a key added is kept
 * even if the invocation ends before the next `save` (harmless, it is a set). `clear` forgets the
 * checkpoint and the seen set together. The contract suite (src/testing/checkpoint-store-contract.ts)
 * checks every implementation.
 */
export interface ResyncCheckpointStore extends CheckpointSlot<ResyncCheckpoint> {
  /** The seen set of the stored resync. */
  seen(): SeenKeys;
  /** Forget the resync: its checkpoint and its seen set. */
  clear(): Promise<void>;
}

/** The checkpoint of a resync that has done nothing yet. */
export function newCheckpoint(resyncId: string, startedAt: string): ResyncCheckpoint {
  return {
    resyncId,
    startedAt,
    phase: 'start',
    previousStateUnknown: false,
    resourceIndex: 0,
    handlerIndex: 0,
    kinds: [],
    errors: [],
    failed: [],
    attributes: {},
    examplesSent: [],
    steps: 0,
    pages: 0,
  };
}

export interface MemoryCheckpointStoreOptions {
  /**
   * Keep copies (default true): checkpoints go through JSON as a durable store serialises them, so a
   * step that fails after changing its checkpoint resumes from the last save. False keeps the saved
   * object itself: for a resync run in one go, which never resumes from a save and whose checkpoint
   * (with every failed entity's body) would otherwise be serialised after each page.
   */
  copies?: boolean;
}

/** A checkpoint store in memory (one process; nothing survives it). */
export function createMemoryCheckpointStore(options: MemoryCheckpointStoreOptions = {}): ResyncCheckpointStore {
  const slot = createMemorySlot<ResyncCheckpoint>(options.copies ?? true);
  let seen = new SeenSet();
  return {
    load: () => slot.load(),
    save: (checkpoint) => slot.save(checkpoint),
    seen: () => seen,
    async clear() {
      await slot.clear();
      seen = new SeenSet();
    },
  };
}
