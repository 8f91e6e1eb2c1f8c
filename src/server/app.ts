import { Hono } from 'hono';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from './metrics.ts';

/**
 * Tide's own HTTP server, the same on every runtime (OCEAN-BEHAVIOUR.md §9.3): health, metrics,
 * `POST /resync` for the WEBHOOK listener and `POST /integration{path}` for live events. Every
 * response carries `X-Request-ID` and `X-Process-Time`; an unexpected error answers 500 with no stack.
 */
export interface ServerOptions {
  coreVersion: string;
  metrics: Metrics;
  logger: Logger;
  /** The WEBHOOK listener's `POST /resync` handler; absent for other listeners. */
  resync?: (request: Request) => Promise<Response>;
  /** Live events: handles `POST /integration{path}`. */
  liveEvents: (request: Request, path: string) => Promise<Response>;
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

  for (const check of ['live', 'ready'] as const) {
    app.get(`/health/${check}`, (c) => c.json({ status: 'healthy', check, core_version: o.coreVersion }));
  }
  app.get('/metrics', (c) => c.body(o.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  if (o.resync) {
    const resync = o.resync;
    app.post('/resync', (c) => resync(c.req.raw));
  }
  app.post('/integration/*', async (c) => {
    const path = new URL(c.req.url).pathname.slice('/integration'.length);
    const response = await o.liveEvents(c.req.raw, path);
    o.metrics.recordLiveEvent(response.status === 200 ? 'accepted' : 'rejected');
    return response;
  });
  return app;
}
