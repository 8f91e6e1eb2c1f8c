/**
 * Tide on Cloudflare Workers: `createWorker(integration, { portFiles })` returns the Worker's handlers
 * (`fetch`, `scheduled`, `queue`) and the Durable Object class that carries resyncs across invocations.
 */
export { createWorker, resyncObject } from './worker.ts';
export { workerTide } from './settings.ts';
export type { CreateWorkerOptions, TideWorker } from './worker.ts';
export { MAX_STEP_FAILURES, createResyncObject } from './resync-object.ts';
export type { TideResyncObject, TideResyncObjectClass } from './resync-object.ts';
export { createKv, createLiveLedger, createSqlCheckpointStore, createSqlSeenKeys, createSqlStateStore, migrate, toLiveEventMessage } from '../../src/runtime/index.ts';
export type * from './types.ts';
