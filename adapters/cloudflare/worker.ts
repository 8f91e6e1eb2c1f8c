/**
 * The Worker's handlers: `fetch` serves the core Hono app (health, metrics, live events at
 * `/integration/…`) with live events handed to a Cloudflare Queue, and `POST /resync` starting a resync in
 * the Durable Object; `scheduled` (cron) runs the POLLING check and the scheduled resync there; `queue`
 * feeds live events to the Durable Object one at a time, in delivery order.
 */
import type { IntegrationDefinition, Tide } from '../../src/integration/index.ts';
import { createTide } from '../../src/integration/index.ts';
import type { WebhookEvent } from '../../src/live/index.ts';
import { createConsoleLogger, settingsFromEnv, stringBindings, withPortFiles } from './settings.ts';
import type { PortFiles } from './settings.ts';
import { createResyncObject } from './resync-object.ts';
import type { ExecutionContextLike, LiveEventMessage, MessageBatchLike, ResyncObjectRpc, ScheduledControllerLike, TideEnv } from './types.ts';

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

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function toLiveEventMessage(path: string, event: WebhookEvent): LiveEventMessage {
  return { path, traceId: event.traceId, payload: event.payload, headers: event.headers, rawBody: base64(event.rawBody), createdAt: event.createdAt.toISOString() };
}

/** The Durable Object stub of this integration (one per identifier). */
export function resyncObject(env: TideEnv, identifier: string): ResyncObjectRpc {
  return env.TIDE_RESYNC.get(env.TIDE_RESYNC.idFromName(identifier)) as ResyncObjectRpc;
}

/**
 * Build the Worker for an integration.
 *
 * @example
 * const { worker, ResyncObject } = createWorker(integration, { portFiles });
 * export default worker;
 * export const TideResync = ResyncObject;
 */
export function createWorker<C>(definition: IntegrationDefinition<C>, options: CreateWorkerOptions = {}) {
  const integration = withPortFiles(definition as IntegrationDefinition<any>, options.portFiles);
  // One Tide per isolate for the fetch path; bindings do not change within an isolate.
  let cached: { env: TideEnv; tide: Tide } | undefined;
  const tideFor = (env: TideEnv): Tide => {
    if (cached?.env === env) return cached.tide;
    const settings = settingsFromEnv(integration, env);
    const tide = createTide({
      integration,
      settings,
      logger: createConsoleLogger(),
      env: stringBindings(env),
      dispatchLiveEvent: (path, event) => env.TIDE_LIVE_EVENTS.send(toLiveEventMessage(path, event)),
    });
    cached = { env, tide };
    return tide;
  };

  const worker: TideWorker = {
    async fetch(request, env) {
      const tide = tideFor(env);
      const url = new URL(request.url);
      if (url.pathname === '/resync' && request.method === 'POST' && tide.settings.eventListener.type === 'WEBHOOK') {
        // A resync outlives this request: it is started, and carried by the Durable Object's alarms.
        await request.body?.cancel().catch(() => {});
        const { resyncId } = await resyncObject(env, tide.settings.integration.identifier).startResync('webhook');
        return Response.json({ status: 'started', resyncId }, { status: 202 });
      }
      return tide.fetch(request);
    },
    async scheduled(_controller, env) {
      const settings = settingsFromEnv(integration, env);
      const result = await resyncObject(env, settings.integration.identifier).poll();
      if (result.started) console.log(JSON.stringify({ level: 'info', message: '[tide] cron started a resync', ...result.started }));
    },
    async queue(batch, env) {
      const settings = settingsFromEnv(integration, env);
      const object = resyncObject(env, settings.integration.identifier);
      // In order, one at a time (the consumer also runs with max_concurrency = 1): the object applies
      // each event, skipping redeliveries and writes older than what an entity already has.
      for (const message of batch.messages) {
        try {
          await object.liveEvent(message.body);
          message.ack();
        } catch (error) {
          console.error(JSON.stringify({ level: 'error', message: '[tide] live event failed; the queue retries it', traceId: message.body.traceId, error: String(error) }));
          message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        }
      }
    },
  };
  return { worker, ResyncObject: createResyncObject(integration) };
}
