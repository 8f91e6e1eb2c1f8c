/**
 * Tide on Cloudflare Workers: `createWorker(integration, { portFiles })` returns the Worker's handlers
 * (`fetch`, `scheduled`, `queue`), the Durable Object class that carries resyncs across invocations, and the
 * one that executes self-service action runs.
 */
export { actionsObject, createWorker, resyncObject } from './worker.ts';
export { createActionsObject } from './actions-object.ts';
export type { TideActionsObject, TideActionsObjectClass } from './actions-object.ts';
/** A Tide from the Worker's bindings, as the Durable Objects build theirs. */
export { tideFromBindings as workerTide } from '../../src/runtime/index.ts';
export type { CreateWorkerOptions, TideWorker } from './worker.ts';
export { MAX_STEP_FAILURES, createResyncObject } from './resync-object.ts';
export type { TideResyncObject, TideResyncObjectClass } from './resync-object.ts';
export { createKv, createLiveLedger, createSqlCheckpointStore, createSqlSeenKeys, createSqlStateStore, migrate, toLiveEventMessage } from '../../src/runtime/index.ts';
export type * from './types.ts';
