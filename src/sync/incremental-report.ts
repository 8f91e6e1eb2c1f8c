/**
 * What an incremental run reports (docs/behaviour.md §4.12), and where it stands between its steps. Plain
 * JSON, so a run can be checkpointed like a full resync (a Durable Object's storage) and its report logged,
 * returned and printed as it is.
 */
import type { SearchQuery } from '../port/index.ts';
import type { AbortReason } from './coordinator.ts';
import type { KindReport } from './report.ts';
import { createMemorySlot, type CheckpointSlot } from './run-steps.ts';

export type IncrementalOutcome = 'completed' | 'failed' | 'aborted' | 'no-op';

/** One incremental resource of a run. */
export interface IncrementalResourceReport {
  kind: string;
  index: number;
  /** `{kind}-{index}`. */
  label: string;
  /** What the handler got as `ctx.since` (ISO); empty when the cursor could not be read. */
  since: string;
  /** The cursor as stored after the run (ISO), `null` when there is none. */
  cursor: string | null;
  /** Whether this run moved the cursor forward. */
  advanced: boolean;
  fetched: number;
  upserted: number;
  /** Entities whose upsert failed (one by one, or with a whole request). */
  failed: number;
  /** Owned entities deleted for this resource's delete candidates. */
  deleted: number;
  /** Why the resource failed (its kind errors, a failed upsert request, the cursor); absent when it succeeded. */
  error?: string;
}

/** The record one incremental run logs and returns. */
export interface IncrementalReport {
  runId: string;
  syncType: 'incremental';
  outcome: IncrementalOutcome;
  /** Set when a full resync or shutdown stopped the run. */
  abortReason?: AbortReason;
  startedAt: string;
  finishedAt: string;
  /** Run-level errors (the mapping); resource errors are on each resource. */
  errors: string[];
  resources: IncrementalResourceReport[];
  /**
   * The delete candidates of the resources that succeeded (selector `false`, or given to `ctx.deleted()`), less
   * those the run upserted: `deleted` owned ones, `notOwned` absent or another integration's, `searchSkipped` with
   * a search identifier, `failed` whose delete failed.
   */
  deletion: { candidates: number; deleted: number; notOwned: number; searchSkipped: number; failed: number };
}

/** A delete candidate, reduced to its key, with the position of the resource that produced it. */
export interface IncrementalCandidate {
  position: number;
  blueprint: string;
  identifier: string | SearchQuery;
}

/** The resource being processed: its window and what must survive a step boundary. */
export interface IncrementalCurrent {
  /** `ctx.since` (ISO). */
  since: string;
  /** The cursor stored before this run (ISO), or `null`. */
  previous: string | null;
  /** The last `ctx.advance()` (ISO). */
  advanceTo?: string;
  /** Entities whose upsert went unanswered (a network error, a timeout, a 408, 429 or 5xx): the cursor stays. */
  unanswered: number;
  candidates: Array<{ blueprint: string; identifier: string | SearchQuery }>;
}

/** An incremental run between its steps (JSON). */
export interface IncrementalCheckpoint {
  runId: string;
  /** The run's start (ISO): the cursor a succeeding resource stores unless the handler advanced it. */
  startedAt: string;
  /** `start`: nothing done; `resources`: extracting; `delete`: every resource is done. */
  phase: 'start' | 'resources' | 'delete';
  /** The mapping as read at the start. */
  mapping?: unknown;
  /** Mapping indices of the incremental resources, in mapping order. */
  targets: number[];
  /** Position in `targets` of the resource being processed. */
  position: number;
  /** Where extraction of that resource stands (extract.ts). */
  handlerIndex: number;
  iterables?: number[];
  cursor?: { value: unknown };
  /** Counters by mapping index (sparse). */
  kinds: KindReport[];
  /** By position. */
  resources: IncrementalResourceReport[];
  current?: IncrementalCurrent;
  candidates: IncrementalCandidate[];
  /** Entity keys this run upserted: a candidate among them is dropped (§6.5 step 5). */
  upserted: string[];
  errors: string[];
  attributes: Record<string, unknown>;
  examplesSent: string[];
  examples?: { kind: string; items: unknown[] };
  steps: number;
  pages: number;
}

/** Where an incremental run lives between steps; `save` is durable when it resolves. */
export type IncrementalCheckpointStore = CheckpointSlot<IncrementalCheckpoint>;

export function newIncrementalCheckpoint(runId: string, startedAt: string): IncrementalCheckpoint {
  return {
    runId,
    startedAt,
    phase: 'start',
    targets: [],
    position: 0,
    handlerIndex: 0,
    kinds: [],
    resources: [],
    candidates: [],
    upserted: [],
    errors: [],
    attributes: {},
    examplesSent: [],
    steps: 0,
    pages: 0,
  };
}

/** An incremental run's store in memory (see `createMemorySlot`). */
export function createMemoryIncrementalStore(options: { copies?: boolean } = {}): IncrementalCheckpointStore {
  return createMemorySlot<IncrementalCheckpoint>(options.copies ?? true);
}
