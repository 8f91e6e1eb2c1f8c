import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { closeKafkaPublisher } from './kafka-publisher.ts';
import { createApp, DROP_HEADER } from './pipeline.ts';
import { Router } from './router.ts';
import { actionRunRoutes } from './routes/action-runs.ts';
import { adminRunRoutes } from './routes/admin-runs.ts';
import { adminRoutes } from './routes/admin.ts';
import { cursorRoutes } from './routes/cursors.ts';
import { blueprintRoutes } from './routes/blueprints.ts';
import { entityRoutes } from './routes/entities.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { orgRoutes } from './routes/org.ts';
import { searchRoutes } from './routes/search.ts';
import { workflowRunRoutes } from './routes/workflow-runs.ts';
import { recordResyncReport } from './resync-history.ts';
import { EmulatorState, type PortEmulatorOptions } from './state.ts';
import { withUi } from './ui/index.ts';

export type { PortEmulatorOptions } from './state.ts';
export type { Blueprint, EntityRecord } from './types.ts';
export type { FieldIssue, PlaygroundEvaluator, PlaygroundInput, PlaygroundPreview, UiOptions } from './ui/index.ts';

/** A running (or in-process) local Port. */
export interface PortEmulator {
  /** The Hono app: `app.fetch(request)` serves Port's API in-process. */
  app: Hono;
  /**
   * In-process fetch with transport faults: a `drop` fault rejects like a broken connection
   * (`TypeError`), as `fetch` does over loopback.
   */
  fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  state: EmulatorState;
  /** Bind to 127.0.0.1 (port 0 picks a free one); resolves with the base URL. */
  listen(port?: number): Promise<string>;
  /** The base URL once listening. */
  readonly url: string | undefined;
  /**
   * Keep a framework's report of one resync (Tide's `ResyncReport`) for the UI's integration page: the
   * deletion report's rows and reasons are known only to the framework. For runs in the same process.
   */
  recordResyncReport(integrationId: string, report: { resyncId: string }): void;
  close(): Promise<void>;
}

/**
 * Create a local Port emulator: Port's REST API subset over SQLite, with Port's semantics.
 *
 * @example
 * const port = createPortEmulator({ credentials: [{ clientId: 'id', clientSecret: 'secret' }] });
 * const url = await port.listen(0); // http://127.0.0.1:PORT
 */
export function createPortEmulator(options: PortEmulatorOptions = {}): PortEmulator {
  const state = new EmulatorState(options);
  const router = new Router();
  router.add(...orgRoutes, ...integrationRoutes, ...searchRoutes, ...blueprintRoutes, ...entityRoutes, ...adminRoutes);
  router.add(...cursorRoutes, ...actionRunRoutes, ...workflowRunRoutes, ...adminRunRoutes);
  const api = createApp(state, router);
  const app = options.ui === false ? api : withUi(api, state, router, options.ui ?? {});
  let server: ServerType | undefined;
  let url: string | undefined;

  const inProcessFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    const response = await app.fetch(request);
    if (response.headers.has(DROP_HEADER)) throw new TypeError('fetch failed: the emulator dropped the connection');
    return response;
  };

  return {
    app,
    fetch: inProcessFetch,
    state,
    get url() {
      return url;
    },
    recordResyncReport(integrationId, report) {
      state.store.db.transaction(() => recordResyncReport(state, integrationId, report as { resyncId: string } & Record<string, unknown>))();
    },
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        const s = serve(
          {
            hostname: '127.0.0.1',
            port,
            fetch: app.fetch,
          },
          (info) => {
            url = `http://127.0.0.1:${info.port}`;
            state.baseUrl = url;
            resolve(url);
          },
        );
        s.on('error', reject);
        server = s;
      });
    },
    async close() {
      if (server) {
        const s = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          s.close(() => resolve());
        });
      }
      await closeKafkaPublisher(state);
      state.store.close();
    },
  };
}
