/**
 * The parts of the Workers runtime this adapter uses, typed structurally so that the adapter also
 * type-checks under the repository's Node tsconfig (the real `@cloudflare/workers-types` are used by
 * this folder's own tsconfig and by the workerd test suite; both must agree with these shapes).
 */
import type { DurableStatus, LiveEventMessage, QueuedMessage, SqlStorageLike } from '../../src/runtime/index.ts';

export type { ActionsObjectRpc, LiveEventMessage, LiveEventOutcome, PollResult, PortFiles, ResyncObjectRpc, SqlStorageLike, StepRecord } from '../../src/runtime/index.ts';
export type ResyncObjectStatus = DurableStatus;

export interface DurableObjectStorageLike {
  sql: SqlStorageLike;
  setAlarm(scheduledTime: number): Promise<void>;
  getAlarm(): Promise<number | null>;
}

export interface DurableObjectStateLike {
  storage: DurableObjectStorageLike;
}

export interface QueueLike<T> {
  send(body: T): Promise<void>;
}

export interface QueueMessageLike<T> extends QueuedMessage<T> {
  id: string;
}

export interface MessageBatchLike<T> {
  queue: string;
  messages: readonly QueueMessageLike<T>[];
}

export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export interface ScheduledControllerLike {
  cron: string;
  scheduledTime: number;
}

export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): unknown;
}

/** The Worker's bindings: the ones below plus `OCEAN__…` vars and secrets (any other binding is ignored by settings). */
export interface TideEnv {
  TIDE_RESYNC: DurableObjectNamespaceLike;
  /** The actions object's namespace; needed only with OCEAN__ACTIONS_PROCESSOR__ENABLED. */
  TIDE_ACTIONS?: DurableObjectNamespaceLike;
  TIDE_LIVE_EVENTS: QueueLike<LiveEventMessage>;
  /** Items per resync step (default 2000). */
  TIDE_STEP_MAX_ITEMS?: string;
  /** Milliseconds per resync step (default 20000). */
  TIDE_STEP_MAX_MS?: string;
  [binding: string]: unknown;
}
