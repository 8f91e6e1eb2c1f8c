import { Hono } from 'hono';

/**
 * What a deployment answers while it cannot run (no Port credentials, invalid settings), on runtimes that
 * serve requests before anyone reads a startup log (Workers): it is alive (`/health/live` 200), not ready
 * (`/health/ready` 503), and every other route says what is missing as JSON, never a stack trace
 * (docs/behaviour.md §9.3). `reason` must name the settings, never hold their values.
 *
 * @example
 * const app = createUnconfiguredApp({ coreVersion: TIDE_VERSION, reason: 'set OCEAN__PORT__CLIENT_ID' });
 * return app.fetch(request);
 */
export function createUnconfiguredApp(o: { coreVersion: string; reason: string }): Hono {
  const app = new Hono();
  app.get('/health/live', (c) => c.json({ status: 'healthy', check: 'live', core_version: o.coreVersion }));
  app.get('/health/ready', (c) => c.json({ status: 'unhealthy', check: 'ready', core_version: o.coreVersion, message: o.reason }, 503));
  app.all('*', (c) => c.json({ status: 'error', message: o.reason }, 503));
  return app;
}
