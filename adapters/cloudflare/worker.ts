/**
 * The Worker's handlers: `fetch` serves the core Hono app (health, metrics, live events at
 * `/integration/…`) with live events handed to a Cloudflare Queue, and `POST /resync` starting a resync in
 * the Durable Object; `scheduled` (cron) runs the core's tick there (the POLLING check, the scheduled
 * resync and a due incremental run); `queue` feeds live events to the Durable Object one at a time, in delivery order.
 */
import type { IntegrationDefinition, Tide } from '../../src/index.ts';
import { createUnconfiguredApp, folderFromPortFiles, TIDE_VERSION, toLiveEventMessage, withFolder, type Logger, type PortFiles } from '../../src/runtime/index.ts';
import { createActionsObject } from './actions-object.ts';
import { createResyncObject } from './resync-object.ts';
import { unconfiguredReason, workerTide } from './settings.ts';
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
  // One Tide per isolate for the fetch path; bindings do not change within an isolate.
  let cached: { env: TideEnv; built: { tide: Tide; logger: Logger } } | undefined;
  const tideFor = (env: TideEnv) => {
    if (cached?.env !== env) {
      // Resyncs, their records and delivery ids live in the Durable Object: POST /resync starts one there (it is
      // carried by the object's alarms), GET /resync/{id} reads its record, a delivery id is claimed there.
      const object = () => objectOf(env);
      const built = workerTide(integration, env, {
        dispatchLiveEvent: (path, event) => env.TIDE_LIVE_EVENTS.send(toLiveEventMessage(path, event)),
        resyncStarter: () => object().triggerResync(),
        resyncStatus: (resyncId) => object().resyncRecord(resyncId),
        deliveries: { claim: (key) => object().claimDelivery(key), commit: async () => {}, release: (key) => object().releaseDelivery(key) },
      });
      cached = { env, built };
    }
    return cached.built;
  };
  const objectOf = (env: TideEnv) => resyncObject(env, tideFor(env).tide.settings.integration.identifier);
  // Without credentials or with invalid settings, the Worker still answers, saying what to set (no stack trace).
  let unconfigured: { env: TideEnv; reason: string | undefined } | undefined;
  const missing = (env: TideEnv): string | undefined => {
    if (unconfigured?.env !== env) unconfigured = { env, reason: unconfiguredReason(integration, env) };
    return unconfigured.reason;
  };

  const worker: TideWorker = {
    async fetch(request, env) {
      const reason = missing(env);
      if (reason !== undefined) return createUnconfiguredApp({ coreVersion: TIDE_VERSION, reason }).fetch(request);
      return tideFor(env).tide.fetch(request);
    },
    async scheduled(_controller, env) {
      const reason = missing(env);
      if (reason !== undefined) return console.error(`[tide] the cron did nothing: ${reason}`);
      const { tide, logger } = tideFor(env);
      // The action agent's session (§11.5) is woken first: a long resync tick must not delay pending runs.
      if (tide.actions) await actionsObject(env, tide.settings.integration.identifier).wake();
      const result = await objectOf(env).poll();
      if (result.started) logger.info('[tide] cron started a resync', result.started);
      if (result.incremental) logger.info('[tide] cron started an incremental run', result.incremental);
    },
    async queue(batch, env) {
      const reason = missing(env);
      if (reason !== undefined) {
        console.error(`[tide] live events wait in the queue: ${reason}`);
        for (const message of batch.messages) message.retry({ delaySeconds: 60 });
        return;
      }
      const object = objectOf(env);
      // In order, one at a time (the consumer also runs with max_concurrency = 1): the object applies
      // each event, skipping redeliveries and writes older than what an entity already has.
      for (const message of batch.messages) {
        try {
          await object.liveEvent(message.body);
          message.ack();
        } catch (error) {
          tideFor(env).logger.error('[tide] live event failed; the queue retries it', { traceId: message.body.traceId, error: String(error) });
          message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        }
      }
    },
  };
  return { worker, ResyncObject: createResyncObject(integration), ActionsObject: createActionsObject(integration) };
}
