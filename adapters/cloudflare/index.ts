/**
 * Tide on Cloudflare Workers: `createWorker(integration, { portFiles })` returns the Worker's handlers
 * (`fetch`, `scheduled`, `queue`) and the Durable Object class that carries resyncs across invocations.
 */
export { createWorker, resyncObject, toLiveEventMessage } from './worker.ts';
export type { CreateWorkerOptions, TideWorker } from './worker.ts';
export { MAX_STEP_FAILURES, createResyncObject } from './resync-object.ts';
export { createConsoleLogger, settingsFromEnv, stringBindings, withPortFiles } from './settings.ts';
export type { PortFiles } from './settings.ts';
export { createKv, createLiveLedger, createSqlCheckpointStore, createSqlSeenKeys, createSqlStateStore, migrate } from './sql-store.ts';
export type * from './types.ts';
