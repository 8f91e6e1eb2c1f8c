import { Hono, type MiddlewareHandler } from 'hono';
import { secretsEqual } from '../live/index.ts';
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

/** `Authorization: Bearer <token>`, compared in constant time. */
function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] ?? '';
    if (!(await secretsEqual(given, token))) {
      await c.req.raw.body?.cancel().catch(() => {});
      return json(401, { status: 'error', message: 'this route needs Authorization: Bearer <OCEAN__ADMIN_TOKEN>' }, { 'www-authenticate': 'Bearer' });
    }
    await next();
  };
}

/** Raised into the handler reading a body past the limit; the app answers 413. */
class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * The body limit, enforced while streaming: a declared length over it is refused unread; otherwise the body is
 * handed on through a counter that fails the read as soon as it passes the limit. Nothing is buffered ahead of
 * the handler, so a handler may still refuse a request before reading its body at all.
 */
function limitBody(maxBytes: number, tooLarge: () => Response): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding') && Number(declared) > maxBytes) {
      await raw.body.cancel().catch(() => {});
      return tooLarge();
    }
    let read = 0;
    const source = raw.body.getReader();
    // Pulled only as the handler reads (highWaterMark 0): nothing is read ahead of it.
    const counted = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await source.read();
          if (done) return controller.close();
          read += value.byteLength;
          if (read <= maxBytes) return controller.enqueue(value);
          controller.error(new BodyTooLargeError(`the request body is larger than ${maxBytes} bytes`));
          await source.cancel().catch(() => {});
        },
        cancel: (reason) => source.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    c.req.raw = new Request(raw, { body: counted, duplex: 'half' } as RequestInit);
    await next();
    if (read > maxBytes) c.res = tooLarge();
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
  const tooLarge = () => json(413, { status: 'error', message: `the request body is larger than ${o.maxBodyBytes} bytes (OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES)` });
  app.onError((err, c) => {
    if (err instanceof BodyTooLargeError || (err instanceof Error && err.cause instanceof BodyTooLargeError)) return tooLarge();
    o.logger.error('Unhandled error while serving a request', { path: c.req.path, error: err instanceof Error ? err.message : String(err) });
    return c.text('Internal server error', 500);
  });
  if (o.adminToken !== undefined) {
    const guard = requireToken(o.adminToken);
    for (const path of ['/metrics', '/resync', '/resync/*']) app.use(path, guard);
  }
  app.use('*', limitBody(o.maxBodyBytes, tooLarge));

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
