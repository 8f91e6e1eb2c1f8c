/**
 * Test support for the toolkit's tests (Node only; never imported by the toolkit): a Hono app served on a free
 * loopback port, standing in for a vendor API.
 */
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface TestServer {
  url: string;
  /** Closes the server and every connection still open (a stalled response included). */
  close: () => Promise<void>;
}

export async function startServer(app: Hono): Promise<TestServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
