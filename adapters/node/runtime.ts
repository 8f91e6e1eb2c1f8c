import { serve as honoServe, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPortEmulator, type PortEmulator } from '../../emulator/index.ts';

/** The in-process local Port `tide sail` starts when no Port credentials are set. */
export interface EmbeddedPort {
  emulator: PortEmulator;
  url: string;
  clientId: string;
  clientSecret: string;
  /** The db file, relative to cwd, for messages. */
  dbFile: string;
}

const EMBEDDED_CLIENT_ID = 'tide-embedded';

/**
 * Start the emulator on 127.0.0.1 (a free port) over `{cwd}/.tide/port.db`, so the catalog survives
 * restarts. The client id is fixed (the emulator upserts credentials by id, so runs do not pile up
 * rows); the secret is fresh per run, because nothing but this process needs it.
 */
export async function startEmbeddedPort(cwd: string): Promise<EmbeddedPort> {
  mkdirSync(join(cwd, '.tide'), { recursive: true });
  const clientSecret = randomBytes(24).toString('hex');
  const emulator = createPortEmulator({ db: join(cwd, '.tide', 'port.db'), credentials: [{ clientId: EMBEDDED_CLIENT_ID, clientSecret }] });
  try {
    const url = await emulator.listen(0);
    return { emulator, url, clientId: EMBEDDED_CLIENT_ID, clientSecret, dbFile: '.tide/port.db' };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** The integration's HTTP server, and how to take it down in two steps. */
export interface HttpServer {
  port: number;
  /** Stop accepting connections (idle keep-alive ones are closed); in-flight requests finish. */
  stopAccepting(): void;
  /** Close what is left and resolve once the server is closed. */
  close(): Promise<void>;
}

/** `@hono/node-server` on `hostname:port`; resolves once listening, rejects on a bind error. */
export function startHttpServer(fetch: (request: Request) => Promise<Response>, port: number, hostname = '0.0.0.0'): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    let closed: Promise<void> | undefined;
    const asNode = () => server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
    const stopAccepting = () => {
      closed ??= new Promise<void>((done) => server!.close(() => done()));
      asNode().closeIdleConnections?.();
    };
    server = honoServe({ fetch: (request: Request) => fetch(request), port, hostname }, (info) =>
      resolve({
        port: info.port,
        stopAccepting,
        async close() {
          stopAccepting();
          asNode().closeAllConnections?.();
          await closed;
        },
      }),
    );
    server.once('error', reject);
  });
}
