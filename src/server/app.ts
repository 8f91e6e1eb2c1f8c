import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { timingSafeEqual } from '../live/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { ResyncRecord } from '../sync/index.ts';
import type { Metrics } from './metrics.ts';

/**
 * Tide's own HTTP server, the same on every runtime (docs/behaviour.md §9.3): health, metrics,
 * `POST /resync` for the WEBHOOK listener, `GET /resync/{id}`, and `POST /integration{path}` for live events.
 * Every response carries `X-Request-ID` and `X-Process-Time`; an unexpected error answers 500 with no stack.
 * No request body is read past `maxBodyBytes` (413), and with an `adminToken` the resync and metrics routes
 * answer 401 to a request without it, before its body is read.
 */
export interface ServerOptions {
  coreVersion: string;
  metrics: Metrics;
  logger: Logger;
  /** `requestBodyMaxSizeInBytes`: a larger body is answered 413 before the rest of it is read. */
  maxBodyBytes: number;
  /** `adminToken`: when set, `/resync`, `/resync/{id}` and `/metrics` need `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** The WEBHOOK listener's `POST /resync` handler; absent for other listeners. */
  resync?: (request: Request) => Promise<Response>;
  /** `GET /resync/{id}`: what is known of that resync. */
  resyncStatus(resyncId: string): Promise<ResyncRecord | undefined>;
  /** Live events: handles `POST /integration{path}`. */
  liveEvents: (request: Request, path: string) => Promise<Response>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const digest = async (text: string): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** `Authorization: Bearer <token>`, compared in constant time (digests, so the length leaks nothing either). */
function requireToken(token: string): MiddlewareHandler {
  const wanted = digest(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] ?? '';
    if (!timingSafeEqual(await digest(given), await wanted)) {
      await c.req.raw.body?.cancel().catch(() => {});
      return json(401, { status: 'error', message: 'this route needs Authorization: Bearer <OCEAN__ADMIN_TOKEN>' }, { 'www-authenticate': 'Bearer' });
    }
    await next();
  };
}

export function createServerApp(o: ServerOptions): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    c.res.headers.set('X-Request-ID', crypto.randomUUID());
    c.res.headers.set('X-Process-Time', ((performance.now() - started) / 1000).toFixed(4));
  });
  app.onError((err, c) => {
    o.logger.error('Unhandled error while serving a request', { path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    return c.text('Internal server error', 500);
  });
  if (o.adminToken !== undefined) {
    const guard = requireToken(o.adminToken);
    for (const path of ['/metrics', '/resync', '/resync/*']) app.use(path, guard);
  }
  // A declared length over the limit is refused unread; a chunked body is read up to the limit, then refused.
  app.use(
    '*',
    bodyLimit({
      maxSize: o.maxBodyBytes,
      onError: () => json(413, { status: 'error', message: `the request body is larger than ${o.maxBodyBytes} bytes (OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES)` }),
    }),
  );

  for (const check of ['live', 'ready'] as const) {
    app.get(`/health/${check}`, (c) => c.json({ status: 'healthy', check, core_version: o.coreVersion }));
  }
  app.get('/metrics', (c) => c.body(o.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  if (o.resync) {
    const resync = o.resync;
    app.post('/resync', (c) => resync(c.req.raw));
  }
  app.get('/resync/:id', async (c) => {
    const record = await o.resyncStatus(c.req.param('id'));
    return record ? c.json(record) : json(404, { status: 'error', message: `no resync ${c.req.param('id')} is known here (the last 50 are kept)` });
  });
  app.post('/integration/*', async (c) => {
    const path = new URL(c.req.url).pathname.slice('/integration'.length);
    const response = await o.liveEvents(c.req.raw, path);
    o.metrics.recordLiveEvent(response.status === 200 ? 'accepted' : 'rejected');
    return response;
  });
  return app;
}
