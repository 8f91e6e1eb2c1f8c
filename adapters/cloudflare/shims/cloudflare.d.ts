/**
 * Minimal declarations of the `cloudflare:*` modules for the repository's Node typecheck, which includes
 * every folder under adapters/. This folder's tsconfig excludes this file and uses the real
 * `@cloudflare/workers-types` and `@cloudflare/vitest-pool-workers/types` instead.
 */
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: any;
    protected env: Env;
    constructor(ctx: any, env: Env);
    alarm?(): Promise<void>;
  }
}

declare module 'cloudflare:test' {
  export const env: any;
  export const SELF: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  export function createExecutionContext(): any;
  export function waitOnExecutionContext(ctx: any): Promise<void>;
  export function createScheduledController(options?: { scheduledTime?: number; cron?: string }): any;
  export function createMessageBatch(queueName: string, messages: Array<{ id: string; timestamp: Date; attempts: number; body: unknown }>): any;
  export function getQueueResult(batch: any, ctx: any): Promise<{ outcome: string; explicitAcks: string[]; retryMessages: Array<{ msgId: string }>; explicitRetries?: unknown }>;
  export function runInDurableObject<O, R>(stub: any, callback: (instance: O, state: any) => R | Promise<R>): Promise<R>;
  export function runDurableObjectAlarm(stub: any): Promise<boolean>;
}

/** The Workers runtime's module-Worker type, loosely (the real one comes from @cloudflare/workers-types). */
type ExportedHandler<Env = unknown, _QueueMessage = unknown> = {
  fetch?: (request: Request, env: Env, ctx: any) => unknown;
  scheduled?: (controller: any, env: Env, ctx: any) => unknown;
  queue?: (batch: any, env: Env, ctx: any) => unknown;
};
