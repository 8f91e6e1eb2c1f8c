/**
 * The WEBHOOK listener (docs/behaviour.md §5.3, conformance 33): no resync on start; Port POSTs to
 * `{appHost}/resync` and Tide's root route `POST /resync` starts a resync, or joins the pending one when the
 * last resync it started is still running or began less than `resyncTriggerMinInterval` ago (resync-gate.ts).
 * It answers `202 {"status": "started" | "pending", "resyncId"}` at once, the same on every runtime; `GET
 * /resync/{id}` tells how that resync went. The body is ignored (docs/port-api.md §15.18: its shape and Port's retries
 * are unknown).
 */
import { silentLogger } from '../logging/logger.ts';
import { createResyncGate } from './resync-gate.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncTrigger } from './types.ts';

/** The path Tide serves at the server root, and the suffix of `changelogDestination.url`. */
export const RESYNC_ROUTE_PATH = '/resync';

/** A fetch-style route handler. */
export type RouteHandler = (request: Request) => Promise<Response>;

/** What a trigger of `POST /resync` got: a resync started now, or the pending one it joined. */
export interface ResyncTriggered {
  resyncId: string;
  outcome: 'started' | 'pending';
}

/** Starts or joins a resync for `POST /resync`; `undefined` once shutting down. */
export type ResyncStarter = () => ResyncTriggered | undefined | Promise<ResyncTriggered | undefined>;

export interface ResyncRouteOptions {
  start: ResyncStarter;
  logger?: ListenerLogger;
}

/**
 * The `POST /resync` handler: 202 `{"status": "started"|"pending", "resyncId"}` at once, 503 while shutting
 * down, 500 `Internal server error` when starting throws, and 405 for any other method. Mount it at the server root.
 *
 * @example
 * const handle = createResyncRoute({ start: () => gate.trigger() });
 * app.post('/resync', (c) => handle(c.req.raw));
 */
export function createResyncRoute(options: ResyncRouteOptions): RouteHandler {
  const logger = options.logger ?? silentLogger;
  return async (request) => {
    if (request.method !== 'POST') {
      return new Response('Method Not Allowed', { status: 405, headers: { allow: 'POST' } });
    }
    // Free the body stream: its content does not matter, and an unread body can hold the connection.
    await request.body?.cancel().catch(() => {});
    try {
      const started = await options.start();
      if (!started) return Response.json({ status: 'error', message: 'shutting down' }, { status: 503 });
      logger.info(`[tide] WEBHOOK: POST /resync ${started.outcome === 'started' ? 'started' : 'joined the pending'} resync ${started.resyncId}`, { ...started });
      return Response.json({ status: started.outcome, resyncId: started.resyncId }, { status: 202 });
    } catch (error) {
      logger.error('[tide] WEBHOOK: POST /resync could not start a resync', { error: errorMessage(error) });
      return new Response('Internal server error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
  };
}

/**
 * The in-process starter over a {@link ResyncTrigger}: the gate, whose resyncs run under the ids it hands out.
 * `stop()` drops the pending resync at shutdown.
 */
export function createGatedStarter(o: { trigger: ResyncTrigger; minIntervalSeconds: number; logger?: ListenerLogger }): {
  start(): ResyncTriggered | undefined;
  stop(): string | undefined;
} {
  const logger = o.logger ?? silentLogger;
  let stopped = false;
  const gate = createResyncGate({
    minIntervalMs: o.minIntervalSeconds * 1000,
    start: (resyncId) =>
      o.trigger.resync({ trigger: 'webhook', resyncId }).catch((error: unknown) => logger.error('[tide] WEBHOOK: the resync threw', { resyncId, error: errorMessage(error) })),
  });
  return {
    start: () => (stopped ? undefined : gate.trigger()),
    stop() {
      stopped = true;
      return gate.stop();
    },
  };
}
