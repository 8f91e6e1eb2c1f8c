/**
 * The WEBHOOK listener (OCEAN-BEHAVIOUR §5.3, conformance 33): no resync on start; Port POSTs to
 * `{appHost}/resync` and Tide's root route `POST /resync` runs one resync, holding the request until
 * it ends. The body is ignored (PORT-API §15.18: its shape and Port's retries are unknown).
 */
import { silentLogger } from '../logging/logger.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncTrigger } from './types.ts';

/** The path Tide serves at the server root, and the suffix of `changelogDestination.url`. */
export const RESYNC_ROUTE_PATH = '/resync';

/** A fetch-style route handler. */
export type RouteHandler = (request: Request) => Promise<Response>;

export interface ResyncRouteOptions {
  trigger: ResyncTrigger;
  logger?: ListenerLogger;
}

/**
 * The `POST /resync` handler: answers 200 `{"status": <outcome>}` once the resync has ended (a
 * `failed` resync is still a 200: nothing escaped), 500 `Internal server error` when the resync
 * throws, and 405 for any other method. Mount it at the server root.
 *
 * @example
 * const handle = createResyncRoute({ trigger });
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
      const { status } = await options.trigger.resync({ trigger: 'webhook' });
      return Response.json({ status }, { status: 200 });
    } catch (error) {
      logger.error('[tide] WEBHOOK: the resync started by POST /resync threw', { error: errorMessage(error) });
      return new Response('Internal server error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
  };
}
