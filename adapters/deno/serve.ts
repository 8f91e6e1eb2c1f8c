import type { IntegrationDefinition } from '../../src/index.ts';
import { createRedactor, formatSettingsErrors, loadSettings, sensitiveValues, type TideSettings } from '../../src/config/index.ts';
import { ProvisionError, type ProvisionReport } from '../../src/defaults/index.ts';
import { createTide, type Tide } from '../../src/integration/create-tide.ts';
import type { StateStore } from '../../src/state/index.ts';
import type { ResyncReport } from '../../src/sync/index.ts';
import { TIDE_VERSION } from '../../src/version.ts';
import { openKvStateStore, type ClosableStateStore } from './kv-state-store.ts';
import { absolute, loadIntegrationFolder, readIfExists } from './load.ts';
import { createDenoLogger } from './logger.ts';

/** Options of {@link serve}. */
export interface DenoServeOptions {
  /** The integration folder, for `.port/` and package.json (default: the working directory). */
  dir?: string;
  /** Settings as `OCEAN__…` variables (default `Deno.env.toObject()`; use `deno run --env-file` for a .env). */
  env?: Record<string, string | undefined>;
  /** Where `config.yaml` is read from, if present (default: the working directory). */
  cwd?: string;
  /** Highest-precedence settings, in the options tree (`{ eventListener: { type: 'ONCE' } }`). */
  overrides?: Record<string, unknown>;
  /** HTTP port (default `settings.application.port`; 0 picks a free one). */
  port?: number;
  /** Default `0.0.0.0`. */
  hostname?: string;
  /**
   * Where state lives. Default: Deno KV at `kvPath`, entries under `['tide', <identifier>]`. On Deno
   * Deploy (`DENO_DEPLOYMENT_ID` set) the default is the project's own KV (`Deno.openKv()`).
   */
  state?: StateStore;
  /** Deno KV file (default `<cwd>/.tide/state.kv`). */
  kvPath?: string;
  logFormat?: 'pretty' | 'json';
  /** Shut down gracefully on SIGINT/SIGTERM and exit (default true; tests pass false). */
  handleSignals?: boolean;
  /** Receives every printed line, logs included (default: console). */
  out?: (line: string) => void;
}

/** What {@link serve} returned; ONCE and startup failures come back with `exitCode`, everything stopped. */
export interface DenoServeResult {
  tide?: Tide;
  /** The integration's HTTP server, as reachable from this machine. */
  url?: string;
  /** Set when the run is over: 0 success, 1 failed run, 2 invalid settings or integration. */
  exitCode?: number;
  provision?: ProvisionReport;
  /** ONCE: the report of the one resync. */
  report?: ResyncReport;
  /** Graceful shutdown: report an aborted resync, stop accepting, drain live events, close state. */
  stop(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Run an integration on Deno, in the `tide sail` order (OCEAN-BEHAVIOUR §8.1): settings from the
 * environment (the same `OCEAN__…` names) → `.port/` → defaults provisioning → `Deno.serve` → onStart →
 * listener. Schedules (POLLING/WEBHOOK resync interval) run on the core's timers; state is in Deno KV.
 * The embedded local Port of the Node CLI is not available here: set Port credentials.
 * Needs `--allow-net --allow-env --allow-read` (and `--allow-write` for the KV file), or `-A`.
 *
 * @example
 * import integration from './index.ts';
 * const run = await serve(integration, { dir: new URL('.', import.meta.url).pathname });
 * if (run.exitCode !== undefined) Deno.exit(run.exitCode);
 */
export async function serve(definition: IntegrationDefinition<any>, options: DenoServeOptions = {}): Promise<DenoServeResult> {
  const done = (exitCode: number, extra: Partial<DenoServeResult> = {}): DenoServeResult => ({ ...extra, exitCode, stop: async () => {} });
  let redact = (text: string) => text;
  const print = (line: string) => (options.out ?? console.log)(redact(line));
  const printErr = (line: string) => (options.out ?? console.error)(redact(line));
  const cwd = absolute(options.cwd ?? Deno.cwd());

  // 1. Settings, spec and the folder's resources; nothing starts when any of them is invalid.
  let folder;
  let configYaml: string | undefined;
  try {
    folder = await loadIntegrationFolder(options.dir ?? cwd);
    configYaml = await readIfExists(`${cwd}/config.yaml`);
  } catch (error) {
    printErr(message(error));
    return done(2);
  }
  const spec = definition.spec ?? folder.spec;
  const resources = definition.resources ?? folder.resources;
  const env = options.env ?? Deno.env.toObject();
  const loaded = loadSettings({
    env,
    configYaml,
    overrides: options.overrides ?? {},
    spec,
    integrationDefaults: { type: definition.type, version: definition.version },
    packageJson: folder.packageJson,
  });
  if (!loaded.ok) {
    printErr('[tide] invalid settings:');
    for (const line of formatSettingsErrors(loaded.errors).split('\n')) printErr(`  ${line}`);
    return done(2);
  }
  const settings: TideSettings = loaded.settings;
  redact = createRedactor(sensitiveValues(settings, spec));
  const logger = createDenoLogger({
    level: settings.application.logLevel,
    format: options.logFormat ?? 'pretty',
    redact: (t) => redact(t),
    write: options.out ? (line) => options.out!(line) : undefined,
  });
  for (const w of loaded.warnings) logger.warn(w);
  const { identifier, type, version } = settings.integration;
  print(`tide ${TIDE_VERSION} · integration ${identifier} (${type} ${version ?? 'version unknown'}) · deno ${Deno.version.deno}`);

  // 2. Runtime limits of this adapter, reported before anything starts.
  if (settings.port.mode === 'embedded') {
    printErr(
      '[tide] no Port credentials: the embedded local Port runs only under Node (`npx tide sail`). On Deno set ' +
        'OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET (and OCEAN__PORT__BASE_URL for a local emulator, e.g. `npm run port-local`).',
    );
    return done(2);
  }
  if (settings.eventListener.type === 'KAFKA') {
    printErr('[tide] the KAFKA event listener is available on Node only; on Deno use POLLING, WEBHOOK, WEBHOOKS_ONLY or ONCE.');
    return done(2);
  }

  // 3. State and the integration instance.
  let ownedState: ClosableStateStore | undefined;
  let state = options.state;
  if (!state) {
    try {
      const onDeploy = Deno.env.get('DENO_DEPLOYMENT_ID') !== undefined;
      const path = options.kvPath ?? (onDeploy ? undefined : `${cwd}/.tide/state.kv`);
      if (path !== undefined && path !== ':memory:') await Deno.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
      state = ownedState = await openKvStateStore(path, { prefix: ['tide', identifier] });
    } catch (error) {
      printErr(`[tide] could not open Deno KV for state (run with --unstable-kv, or "unstable": ["kv"] in deno.json): ${message(error)}`);
      return done(1);
    }
  }
  const closeState = () => {
    try {
      ownedState?.close();
    } catch {
      // already closed
    }
  };

  let tide: Tide;
  let lastReport: ResyncReport | undefined;
  try {
    tide = createTide({
      integration: { ...definition, spec, resources },
      settings,
      spec,
      state,
      logger,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
      onResyncReport: (report) => {
        lastReport = report;
      },
    });
  } catch (error) {
    printErr(`[tide] ${message(error).replace(/^\[tide\]\s*/, '')}`);
    closeState();
    return done(1);
  }

  // 4. Defaults, then the HTTP server, then onStart and the listener.
  let provision: ProvisionReport | undefined;
  try {
    provision = await tide.provision();
    for (const e of provision.errors) logger.error(`provisioning: ${e}`);
  } catch (error) {
    if (error instanceof ProvisionError) {
      printErr(`[tide] ${message(error)}`);
      closeState();
      return done(1);
    }
    // §7.1: other provisioning errors do not stop startup.
    logger.error('provisioning failed; starting anyway', { error: message(error) });
  }

  const hostname = options.hostname ?? '0.0.0.0';
  const wantedPort = options.port ?? settings.application.port;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ port: wantedPort, hostname, onListen: () => {} }, (request) => tide.fetch(request));
  } catch (error) {
    printErr(`[tide] could not start the HTTP server on ${hostname}:${wantedPort}: ${message(error)}`);
    closeState();
    return done(1);
  }
  const url = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${server.addr.port}`;
  print(`listening on http://${hostname}:${server.addr.port} · event listener ${settings.eventListener.type}`);

  let removeSignals = () => {};
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      removeSignals();
      // Aborted resync state first (inside tide.stop), stop accepting, drain live events (≤ 5 s).
      await tide.stop({ stopAccepting: () => server.shutdown() }).catch((error: unknown) => logger.error('shutdown failed', { error: message(error) }));
      await server.shutdown().catch(() => {});
      closeState();
    })());
  if (options.handleSignals ?? true) removeSignals = installSignalHandlers(stop, print, settings.eventListener.type === 'ONCE' ? 1 : 0);

  try {
    await tide.start();
  } catch (error) {
    // §5.1: a listener that fails to start is fatal.
    printErr(`[tide] the ${settings.eventListener.type} listener failed to start: ${message(error)}`);
    await stop();
    return done(1, { tide, url, provision });
  }
  if (tide.listener.type === 'ONCE') {
    const result = tide.listener.onceResult();
    if (lastReport) print(summary(lastReport));
    await stop();
    return done(result?.exitCode ?? 1, { tide, url, provision, report: lastReport });
  }
  return { tide, url, provision, stop };
}

/** One line per resync for ONCE: status, per-kind counters, deletion outcome. */
function summary(report: ResyncReport): string {
  const kinds = report.kinds.map((k) => `${k.label} ${k.upserted} upserted/${k.unchanged} unchanged/${k.failed} failed`).join(', ');
  return `resync ${report.resyncId}: ${report.status}${report.abortReason ? ` (${report.abortReason})` : ''} · ${kinds} · deletions ${report.deletion.outcome}${
    report.errors.length ? ` · errors: ${report.errors.join('; ')}` : ''
  }`;
}

/** First SIGINT/SIGTERM: graceful shutdown, then exit; a second one exits at once. */
function installSignalHandlers(stop: () => Promise<void>, print: (line: string) => void, exitCode: number): () => void {
  let received = false;
  const handler = () => {
    if (received) Deno.exit(130);
    received = true;
    print('[tide] shutting down (a second signal exits at once)');
    void stop().finally(() => Deno.exit(exitCode));
  };
  // SIGTERM cannot be listened to on Windows.
  const signals: Deno.Signal[] = Deno.build.os === 'windows' ? ['SIGINT'] : ['SIGINT', 'SIGTERM'];
  for (const s of signals) Deno.addSignalListener(s, handler);
  return () => {
    for (const s of signals) Deno.removeSignalListener(s, handler);
  };
}
