/**
 * The parts of the Workers runtime this adapter uses, typed structurally so that the adapter also
 * type-checks under the repository's Node tsconfig (the real `@cloudflare/workers-types` are used by
 * this folder's own tsconfig and by the workerd test suite; both must agree with these shapes).
 */
import type { DurableStatus, LiveEventMessage, LiveEventOutcome, PollResult } from '../../src/runtime/index.ts';

import type { SqlStorageLike } from '../../src/runtime/index.ts';

export type { LiveEventMessage, LiveEventOutcome, PollResult, PortFiles, SqlStorageLike, StepRecord } from '../../src/runtime/index.ts';
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

export interface QueueMessageLike<T> {
  id: string;
  body: T;
  attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
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

/** The RPC surface of the resync Durable Object (see resync-object.ts). */
export interface ResyncObjectRpc {
  startResync(trigger: string): Promise<{ resyncId: string }>;
  startIncremental(trigger: string): Promise<{ runId: string } | { skipped: string }>;
  poll(): Promise<PollResult>;
  liveEvent(message: LiveEventMessage): Promise<LiveEventOutcome>;
  status(): Promise<ResyncObjectStatus>;
}

export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): unknown;
}

/** The Worker's bindings: the two below plus `OCEAN__…` vars and secrets (any other binding is ignored by settings). */
export interface TideEnv {
  TIDE_RESYNC: DurableObjectNamespaceLike;
  TIDE_LIVE_EVENTS: QueueLike<LiveEventMessage>;
  /** Items per resync step (default 2000). */
  TIDE_STEP_MAX_ITEMS?: string;
  /** Milliseconds per resync step (default 20000). */
  TIDE_STEP_MAX_MS?: string;
  [binding: string]: unknown;
}
