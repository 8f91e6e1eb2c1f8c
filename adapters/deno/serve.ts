import type { IntegrationDefinition, StateStore } from '../../src/index.ts';
import { boot, createFolderReader, resolvePosix, type BootOptions, type BootResult, type FolderReader, type Listening } from '../../src/runtime/index.ts';
import { openKvStateStore } from './kv-state-store.ts';

/** Options of {@link serve} (the rest as in the core's `BootOptions`). */
export interface DenoServeOptions extends Omit<BootOptions, 'dir' | 'host'> {
  /** The integration folder, for `.port/` and package.json (default: the working directory). */
  dir?: string;
  /** Settings as `OCEAN__…` variables (default `Deno.env.toObject()`; use `deno run --env-file` for a .env). */
  env?: Record<string, string | undefined>;
  /** Where `config.yaml` is read from, if present (default: the working directory). */
  cwd?: string;
  /** Default `APPLICATION__HOST`, else `127.0.0.1` (docs/behaviour.md §8.1). */
  hostname?: string;
  /**
   * Where state lives. Default: Deno KV at `kvPath`, entries under `['tide', <identifier>]`. On Deno
   * Deploy (`DENO_DEPLOYMENT_ID` set) the default is the project's own KV (`Deno.openKv()`).
   */
  state?: StateStore;
  /** Deno KV file (default `<cwd>/.tide/state.kv`). */
  kvPath?: string;
  /** Receives every printed line, logs included (default: console). */
  out?: (line: string) => void;
}

/** What {@link serve} returned (see the core's `BootResult`). */
export type DenoServeResult = BootResult;

/** The core's folder reads, on Deno's file API (`--allow-read`). */
export const denoFiles: FolderReader = createFolderReader({
  resolve: (path, base) => resolvePosix(base ?? Deno.cwd(), path),
  readText: (path) => Deno.readTextFileSync(path),
  listFiles: (path) => [...Deno.readDirSync(path)].filter((e) => e.isFile).map((e) => e.name),
  isMissing: (error) => error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory || error instanceof Deno.errors.IsADirectory,
});

/**
 * Run an integration on Deno the way `tide sail` does (docs/behaviour.md §8.1), with `Deno.serve`,
 * Deno's signals and state in Deno KV. The embedded local Port and the KAFKA listener are Node's only:
 * set Port credentials. Needs `--allow-net --allow-env --allow-read` (and `--allow-write` for the KV file), or `-A`.
 *
 * @example
 * import integration from './index.ts';
 * const run = await serve(integration, { dir: new URL('.', import.meta.url).pathname });
 * if (run.exitCode !== undefined) Deno.exit(run.exitCode);
 */
export function serve(definition: IntegrationDefinition<any>, options: DenoServeOptions = {}): Promise<DenoServeResult> {
  const cwd = resolvePosix(Deno.cwd(), options.cwd ?? '.');
  return boot(definition, { ...options, dir: options.dir ?? cwd, host: options.hostname }, {
    name: 'Deno',
    version: Deno.version.deno,
    files: denoFiles,
    env: options.env ?? Deno.env.toObject(),
    cwd,
    write: options.out ? (line) => options.out!(line) : (line, stream) => (stream === 'err' ? console.error(line) : console.log(line)),
    listen,
    openState: async (identifier) => (options.state ? { store: options.state } : await openKv(identifier, options.kvPath ?? (onDeploy() ? undefined : `${cwd}/.tide/state.kv`))),
    signals: {
      listen(handler) {
        // SIGTERM cannot be listened to on Windows.
        const signals: Deno.Signal[] = Deno.build.os === 'windows' ? ['SIGINT'] : ['SIGINT', 'SIGTERM'];
        const handlers = signals.map((signal) => [signal, () => handler(signal)] as const);
        for (const [signal, h] of handlers) Deno.addSignalListener(signal, h);
        return () => handlers.forEach(([signal, h]) => Deno.removeSignalListener(signal, h));
      },
      exit: (code) => Deno.exit(code),
      exitCode: (code) => void (Deno.exitCode = code),
    },
  });
}

const onDeploy = () => Deno.env.get('DENO_DEPLOYMENT_ID') !== undefined;

async function openKv(identifier: string, path: string | undefined): Promise<{ store: StateStore; close(): void }> {
  try {
    if (path !== undefined && path !== ':memory:') await Deno.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
    const store = await openKvStateStore(path, { prefix: ['tide', identifier] });
    return { store, close: () => store.close() };
  } catch (error) {
    throw new Error(`could not open Deno KV for state (run with --unstable-kv, or "unstable": ["kv"] in deno.json): ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function listen(fetch: (request: Request) => Promise<Response>, at: { host: string; port: number }): Promise<Listening> {
  const server = Deno.serve({ port: at.port, hostname: at.host, onListen: () => {} }, (request) => fetch(request));
  return { port: server.addr.port, stopAccepting: () => server.shutdown(), close: () => server.shutdown() };
}
