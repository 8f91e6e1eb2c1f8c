import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { IntegrationDefinition } from '../../src/index.ts';
import { boot, bootByName, type BootOptions, type BootResult, type BootRuntime, type Listening, type ResolvedIntegration } from '../../src/runtime/index.ts';
import { createFileStateStore } from './file-state-store.ts';
import type { KafkaTuning } from './kafka.ts';
import { nodeFiles, readEnvironment } from './load.ts';
import { writeLine } from './logger.ts';
import { nodeResolveDeps } from './resolve.ts';

/** Options of {@link sail}: what `tide sail` and `tide plan` pass (the rest as in the core's `BootOptions`). */
export interface SailOptions extends Omit<BootOptions, 'dir' | 'port'> {
  /** A bundled integration name (`fake`) or a folder path (relative to `cwd`). */
  integration: string;
  /** Where `.env`, `config.yaml` and `.tide/` (embedded Port, state) live. Default: `process.cwd()`. */
  cwd?: string;
  /** The process environment to read (default `process.env`); `./.env` fills in what it lacks. */
  env?: Record<string, string | undefined>;
  /** HTTP port of the integration's server (default `settings.application.port`; 0 picks a free one). */
  httpPort?: number;
  /** Receives every printed line, logs included (default: stdout, and stderr for warnings and errors). */
  out?: (line: string) => void;
  /** KAFKA listener: consumer timings (tests shorten the session timeout). */
  kafka?: KafkaTuning;
}

/** Options of {@link serve}: as {@link SailOptions}, with the definition passed directly. */
export interface ServeOptions extends Omit<SailOptions, 'integration'> {
  /** The integration folder, for `.port/` and package.json (default: `cwd`). */
  dir?: string;
}

/** What a run returned (see the core's `BootResult`). */
export type SailResult = BootResult;

/**
 * Run an integration by bundled name or folder path, the way `tide sail` does (docs/behaviour.md §8.1).
 * Without Port credentials, an emulator runs in-process as Port (data in `.tide/port.db`).
 *
 * @example
 * const run = await sail({ integration: 'fake', overrides: { eventListener: { type: 'ONCE' } } });
 * process.exitCode = run.exitCode;
 */
export function sail(options: SailOptions): Promise<SailResult> {
  const start = (r: ResolvedIntegration) => serve(r.definition, { ...options, dir: r.dir });
  return bootByName(options.integration, resolve(options.cwd ?? process.cwd()), nodeResolveDeps, start, options.out ?? ((line) => writeLine(line, 'err')));
}

/**
 * Run an integration definition from your own entry file (run it with `npx tsx main.ts`). `.port/` is
 * read from `dir` when the definition carries no `spec` / `resources` of its own.
 *
 * @example
 * import integration from './index.ts';
 * await serve(integration, { dir: import.meta.dirname });
 */
export async function serve(definition: IntegrationDefinition<any>, options: ServeOptions = {}): Promise<SailResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  return boot(definition, { ...options, dir: resolve(cwd, options.dir ?? '.'), port: options.httpPort }, nodeRuntime({ ...options, cwd }));
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Node's parts of a run: node:fs, process.env over `.env`, @hono/node-server, process signals, files for state. */
function nodeRuntime(o: Omit<ServeOptions, 'dir'> & { cwd: string }): BootRuntime {
  return {
    name: 'Node',
    version: process.version,
    files: nodeFiles,
    env: readEnvironment(o.cwd, (o.env ?? process.env) as NodeJS.ProcessEnv),
    cwd: o.cwd,
    write: o.out ? (line) => o.out!(line) : writeLine,
    listen,
    openState: async (identifier) => ({ store: createFileStateStore(join(o.cwd, '.tide', 'state', encodeURIComponent(identifier))) }),
    signals: {
      listen(handler) {
        for (const signal of SIGNALS) process.on(signal, handler);
        return () => SIGNALS.forEach((signal) => process.off(signal, handler));
      },
      exit: (code) => process.exit(code),
      exitCode: (code) => void (process.exitCode = code),
    },
    // Loaded on use: SQLite and kafkajs only where a run needs them.
    embeddedPort: async () => (await import('./runtime.ts')).startEmbeddedPort(o.cwd),
    kafka: async (tide, k) => (await import('./kafka.ts')).startKafkaConsumer({ tide, ...k, tuning: o.kafka }),
  };
}

/** `@hono/node-server` on `host:port` (loaded here: a run that serves nothing never loads it); resolves once listening, rejects on a bind error. */
async function listen(fetch: (request: Request) => Promise<Response>, at: { host: string; port: number }): Promise<Listening> {
  const { serve: honoServe } = await import('@hono/node-server');
  return new Promise((resolvePromise, reject) => {
    let closed: Promise<void> | undefined;
    const server = honoServe({ fetch: (request: Request) => fetch(request), port: at.port, hostname: at.host }, (info) =>
      resolvePromise({
        port: info.port,
        stopAccepting,
        async close() {
          stopAccepting();
          node.closeAllConnections();
          await closed;
        },
      }),
    );
    const node = server as unknown as Server;
    // Idle keep-alive connections are closed too; requests in flight finish.
    function stopAccepting(): void {
      closed ??= new Promise<void>((done) => server.close(() => done()));
      node.closeIdleConnections();
    }
    server.once('error', reject);
  });
}
