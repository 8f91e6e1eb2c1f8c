/**
 * The durable state of a resumable resync (one carried across short invocations, e.g. Cloudflare
 * Worker alarms): where the resync stands after the last fully processed page, its counters, and its
 * seen set. A runtime supplies the storage; the memory store here serves tests and one-process use.
 */
import type { KindReport } from './report.ts';
import type { SeenKeys } from './seen.ts';
import { SeenSet } from './seen.ts';
import type { FailedEntity } from './upsert.ts';

/** Everything but the seen set, saved after each page. JSON only. */
export interface ResyncCheckpoint {
  resyncId: string;
  /** ISO; sent as `before` at reconciliation, so live writes made during the resync are never stale. */
  startedAt: string;
  /** `start`: nothing done yet; `resources`: extracting; `reconcile`: every resource is done. */
  phase: 'start' | 'resources' | 'reconcile';
  /** The mapping (`integration.config`) as read from Port at the start: every step uses this snapshot. */
  mapping?: unknown;
  previousStateUnknown: boolean;
  /** The resource being processed and, inside it, the handler (kind's own, then catch-all). */
  resourceIndex: number;
  handlerIndex: number;
  /** The handler's cursor after the last processed page; absent: the handler starts from its first page. */
  cursor?: { value: unknown };
  /** The resource's counters when the current handler started, restored when that handler restarts. */
  handlerStartReport?: KindReport;
  /** The length of `failed` when the current handler started. */
  handlerStartFailed?: number;
  kinds: KindReport[];
  /** Resync-level errors (e.g. onResyncStart), for the report. */
  errors: string[];
  failed: FailedEntity[];
  attributes: Record<string, unknown>;
  /** Kinds whose raw-data examples were already sent (once per kind per resync). */
  examplesSent: string[];
  steps: number;
  pages: number;
}

/**
 * Where a resumable resync lives. `save` must be durable when it resolves; `seen()` writes through
 * (a key added is kept even if the invocation ends before the next `save`: harmless, it is a set).
 */
export interface ResyncCheckpointStore {
  load(): Promise<ResyncCheckpoint | undefined>;
  save(checkpoint: ResyncCheckpoint): Promise<void>;
  /** The seen set of the stored resync. */
  seen(): SeenKeys;
  /** Forget the resync: its checkpoint and its seen set. */
  clear(): Promise<void>;
}

/** A checkpoint store in memory; checkpoints are copied through JSON, as a real store serialises them. */
export function createMemoryCheckpointStore(): ResyncCheckpointStore {
  let saved: string | undefined;
  let seen = new SeenSet();
  return {
    async load() {
      return saved === undefined ? undefined : (JSON.parse(saved) as ResyncCheckpoint);
    },
    async save(checkpoint) {
      saved = JSON.stringify(checkpoint);
    },
    seen: () => seen,
    async clear() {
      saved = undefined;
      seen = new SeenSet();
    },
  };
}
