/**
 * The Worker's handlers, which are the core's hosted handlers (src/runtime/hosted.ts) bound to this Worker's Durable
 * Objects and live-event Queue: `fetch` serves the core app, `scheduled` (cron) wakes the actions object and ticks
 * the resync object, `queue` feeds live events to the resync object one at a time, in delivery order.
 */
import type { IntegrationDefinition } from '../../src/index.ts';
import { createHostedHandlers, folderFromPortFiles, withFolder, type PortFiles } from '../../src/runtime/index.ts';
import { createActionsObject } from './actions-object.ts';
import { createResyncObject } from './resync-object.ts';
import type { ActionsObjectRpc, ExecutionContextLike, LiveEventMessage, MessageBatchLike, ResyncObjectRpc, ScheduledControllerLike, TideEnv } from './types.ts';

export interface CreateWorkerOptions {
  /** The integration's `.port/` files, bundled as text (a Worker has no file system). */
  portFiles?: PortFiles;
}

/** What the Worker's main module exports: the default handlers and the Durable Object class. */
export interface TideWorker {
  fetch(request: Request, env: TideEnv, ctx: ExecutionContextLike): Promise<Response>;
  scheduled(controller: ScheduledControllerLike, env: TideEnv, ctx: ExecutionContextLike): Promise<void>;
  queue(batch: MessageBatchLike<LiveEventMessage>, env: TideEnv, ctx: ExecutionContextLike): Promise<void>;
}

/** The Durable Object stub of this integration (one per identifier). */
export function resyncObject(env: TideEnv, identifier: string): ResyncObjectRpc {
  return env.TIDE_RESYNC.get(env.TIDE_RESYNC.idFromName(identifier)) as ResyncObjectRpc;
}

/** The actions Durable Object of this integration (one per identifier). */
export function actionsObject(env: TideEnv, identifier: string): ActionsObjectRpc {
  const namespace = env.TIDE_ACTIONS;
  if (!namespace) throw new Error('[tide] actions: OCEAN__ACTIONS_PROCESSOR__ENABLED needs the TIDE_ACTIONS Durable Object binding (class TideActions) in wrangler.toml');
  return namespace.get(namespace.idFromName(identifier)) as ActionsObjectRpc;
}

/**
 * Build the Worker for an integration.
 *
 * @example
 * const { worker, ResyncObject, ActionsObject } = createWorker(integration, { portFiles });
 * export default worker;
 * export const TideResync = ResyncObject;
 * export const TideActions = ActionsObject;
 */
export function createWorker<C>(definition: IntegrationDefinition<C>, options: CreateWorkerOptions = {}) {
  const integration = withFolder(definition as IntegrationDefinition<any>, folderFromPortFiles(options.portFiles));
  const handlers = createHostedHandlers<TideEnv>(integration, { resyncObject, actionsObject, enqueue: (env, message) => env.TIDE_LIVE_EVENTS.send(message) });
  const worker: TideWorker = {
    fetch: (request, env) => handlers.fetch(request, env),
    scheduled: (_controller, env) => handlers.scheduled(env),
    queue: (batch, env) => handlers.queue(batch.messages, env),
  };
  return { worker, ResyncObject: createResyncObject(integration), ActionsObject: createActionsObject(integration) };
}
