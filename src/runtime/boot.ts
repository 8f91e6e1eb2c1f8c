/**
 * How Tide starts on a runtime with a process (Node, Deno), in the `tide sail` order (docs/behaviour.md
 * §8.1): settings → redaction → logger → createTide → provisioning → HTTP server → onStart and the
 * listener (the Kafka consumer, where the runtime has one) → timers → shutdown on a signal, and for
 * ONCE the summary and the exit status. The runtime's own parts arrive as arguments ({@link BootRuntime}):
 * this module decides, the adapter only translates.
 */
import { createRedactor, formatSettingsErrors, type EventListenerType, type TideSettings } from '../config/index.ts';
import { ProvisionError, type ProvisionReport } from '../defaults/index.ts';
import { createTide, parseIntegrationConfig, type IntegrationDefinition, type RunMapping, type Tide } from '../integration/index.ts';
import type { ScheduleTimers } from '../listeners/index.ts';
import { liveEventsEnablement } from '../live/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { StateStore } from '../state/index.ts';
import { describeOutcome, type IncrementalReport, type KindReport, type Plan, type ResyncReport } from '../sync/index.ts';
import { TIDE_VERSION } from '../version.ts';
import { configure, createRuntimeLogger, streamOf, type Configured, type Stream } from './configure.ts';
import { resolveIntegration, type ResolveDeps, type ResolvedIntegration } from './entry.ts';
import { loadIntegrationFolder, readConfigYaml, type FolderReader } from './folder.ts';
import { createProgressLog } from './progress-log.ts';
import { BROWSE_LINE, describeIncrementalOutcome, incrementalLines, planLines, provisionLines, resyncLines } from './report-lines.ts';
import { readRunMapping } from './run-mapping.ts';

/** Where the integration's HTTP server binds unless told otherwise: loopback, so an unguarded /resync is not reachable from the network by accident (docs/behaviour.md §8.1; the Docker image and Kubernetes manifests set 0.0.0.0). */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * Whether a run with this listener serves HTTP (a dry run never does). ONCE runs one resync and exits: it has
 * nothing to serve, so a busy port 8000 must not stop it (docs/behaviour.md §8.1).
 */
export const servesHttp = (listener: EventListenerType): boolean => listener !== 'ONCE';

/** A listening HTTP server, taken down in two steps. */
export interface Listening {
  port: number;
  /** Stop accepting connections; requests in flight finish. */
  stopAccepting(): void | Promise<void>;
  /** Close what is left; resolves once closed. */
  close(): Promise<void>;
}

/** The in-process local Port a runtime may start when no Port credentials are set (Node). */
export interface EmbeddedPort {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Where its data lives, for messages. */
  dbFile: string;
  /** Keeps each resync's report (its deletion rows and reasons) where the local Port's web UI shows it. */
  keepReport?(identifier: string, report: ResyncReport): void;
  close(): Promise<void>;
}

/** The parts of a runtime that `boot` uses; everything else is decided here. */
export interface BootRuntime {
  /** `Node` / `Deno`, for the banner and for what this runtime lacks. */
  name: string;
  version: string;
  files: FolderReader;
  /** Settings as `OCEAN__…` variables. */
  env: Record<string, string | undefined>;
  /** Where `config.yaml` is read from. */
  cwd: string;
  /** Every printed line, already redacted. */
  write(line: string, stream: Stream): void;
  listen(fetch: (request: Request) => Promise<Response>, at: { host: string; port: number }): Promise<Listening>;
  /** The integration's StateStore; `close` runs at shutdown. A thrown message is printed as it is. */
  openState(identifier: string): Promise<{ store: StateStore; close?(): void | Promise<void> }>;
  /** Process signals: `listen` returns its own removal; `exit` ends the process; `exitCode` is its status when it ends by itself. */
  signals?: { listen(handler: (signal: string) => void): () => void; exit(code: number): void; exitCode(code: number): void };
  timers?: ScheduleTimers;
  /** Starts the local Port when no credentials are set; without it, missing credentials are fatal. */
  embeddedPort?(): Promise<EmbeddedPort>;
  /** Starts the Kafka consumer for the KAFKA listener; `stopInstance` ends this whole run. */
  kafka?(tide: Tide, o: { logger: Logger; stopInstance(reason: string): void }): Promise<{ stop(): Promise<void> }>;
}

/** What a user chooses when starting an integration. */
export interface BootOptions {
  /** The integration folder (`.port/`, package.json). */
  dir: string;
  /** Highest-precedence settings, in the options tree (`{ eventListener: { type: 'ONCE' } }`). */
  overrides?: Record<string, unknown>;
  /** Overrides `APPLICATION__LOG_LEVEL` (`debug|info|warning|error`, any case). */
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
  /** Provisioning and the resync as a plan, reading only: nothing is written to Port, no server starts. */
  dryRun?: boolean;
  /** HTTP port (default `settings.application.port`; 0 picks a free one). */
  port?: number;
  /** Default `APPLICATION__HOST`, else {@link DEFAULT_HOST}. */
  host?: string;
  /** Shut down gracefully on SIGINT/SIGTERM and exit (default true; tests pass false). */
  handleSignals?: boolean;
  /**
   * Live per-resource counters after each page of a resync (a terminal's display). Without it, progress is
   * logged instead: one line per resource at most every 10 s.
   */
  onProgress?: (report: Readonly<KindReport>) => void;
  /** `--mapping FILE`: this run's mapping (overrides `OCEAN__MAPPING_FILE`), relative to `cwd` (docs/behaviour.md §7.4). */
  mapping?: string;
  /** `--force`: apply destructive blueprint changes of the files-first start too. */
  force?: boolean;
  /** The clock of those progress lines (default `Date.now`; tests move it instead of waiting). */
  now?: () => number;
}

/**
 * What a run returned. Long-running modes return `tide`, `url` and `stop()`; ONCE, dry runs and startup
 * failures return `exitCode` (0 success, 1 failed run, 2 invalid settings or integration) with
 * everything already stopped (`stop()` is then a no-op).
 */
export interface BootResult {
  tide?: Tide;
  /** The integration's HTTP server, as reachable from this machine. */
  url?: string;
  /** Set when no Port credentials were given and the in-process local Port serves as Port. */
  embeddedPortUrl?: string;
  exitCode?: number;
  plan?: Plan;
  provision?: ProvisionReport;
  /** ONCE: the report of the one resync. */
  report?: ResyncReport;
  /** ONCE with `incrementalSyncEnabled`: the report of the one incremental run (§4.12). */
  incrementalReport?: IncrementalReport;
  /**
   * Graceful shutdown: report aborted, stop accepting, drain live events (≤ 5 s), close state and the local Port.
   * Resolves within `shutdownTimeout` whatever integration code does (what is still running is left behind).
   */
  stop(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const bare = (error: unknown): string => `[tide] ${message(error).replace(/^\[tide\]\s*/, '')}`;
const finished = (exitCode: number, extra: Partial<BootResult> = {}): BootResult => ({ ...extra, exitCode, stop: async () => {} });

/** Printing with the secrets known so far masked (the embedded Port adds its own). */
function printer(rt: BootRuntime) {
  let redact = (text: string) => text;
  return {
    out: (line: string) => rt.write(redact(line), 'out'),
    err: (line: string) => rt.write(redact(line), 'err'),
    redact: (text: string) => redact(text),
    mask(values: readonly string[]) {
      redact = createRedactor(values);
    },
  };
}
type Printer = ReturnType<typeof printer>;

/** Settings, spec and the folder's resources; `undefined` (reported) when any of them is invalid. */
function settle(definition: IntegrationDefinition<any>, o: BootOptions, rt: BootRuntime, print: Printer): (Extract<Configured, { ok: true }> & { mapping?: RunMapping }) | undefined {
  let configured: Configured;
  let mapping: RunMapping | undefined;
  try {
    const folder = loadIntegrationFolder(rt.files, o.dir);
    const configYaml = readConfigYaml(rt.files, rt.cwd);
    const overrides = o.logLevel ? deepMerge(o.overrides ?? {}, { application: { logLevel: o.logLevel.toUpperCase() } }) : o.overrides;
    configured = configure({ definition, folder, env: rt.env, configYaml, overrides });
    // The integration's config schema too, before anything starts (createTide applies it to hand its output on).
    if (configured.ok) parseIntegrationConfig(configured.integration.config, configured.settings.integration.config, createRedactor(configured.secrets));
    const mappingFile = o.mapping ?? (configured.ok ? configured.settings.mappingFile : undefined);
    if (configured.ok && mappingFile !== undefined) mapping = readRunMapping(rt.files, mappingFile, rt.cwd, configured.integration);
  } catch (error) {
    print.err(message(error));
    return undefined;
  }
  if (configured.ok) return { ...configured, mapping };
  print.err('[tide] invalid settings:');
  for (const line of formatSettingsErrors(configured.errors).split('\n')) print.err(`  ${line}`);
  return undefined;
}

/**
 * Start the integration a bundled name or a folder path names (docs/behaviour.md §8.1), through `start`; a name or
 * folder that does not resolve is printed with `printError`, and the run exits 2.
 */
export async function bootByName(
  nameOrPath: string,
  cwd: string,
  deps: ResolveDeps,
  start: (resolved: ResolvedIntegration) => Promise<BootResult>,
  printError: (line: string) => void,
): Promise<BootResult> {
  let resolved: ResolvedIntegration;
  try {
    resolved = await resolveIntegration(nameOrPath, cwd, deps);
  } catch (error) {
    printError(message(error));
    return finished(2);
  }
  return start(resolved);
}

/**
 * Start `definition` on a runtime. Resolves once it serves (or, for ONCE and dry runs, once it is over).
 *
 * @example
 * const run = await boot(integration, { dir, overrides: { eventListener: { type: 'ONCE' } } }, nodeRuntime);
 * // the adapter sets its process exit status from run.exitCode
 */
export async function boot(definition: IntegrationDefinition<any>, o: BootOptions, rt: BootRuntime): Promise<BootResult> {
  const print = printer(rt);
  const configured = settle(definition, o, rt, print);
  if (!configured) return finished(2);
  let settings: TideSettings = configured.settings;
  print.mask(configured.secrets);
  const logger = createRuntimeLogger({ settings, redact: print.redact, format: o.logFormat, write: (line, level) => rt.write(line, streamOf(level)) });
  for (const w of configured.warnings) logger.warn(w);
  const { identifier, type, version } = settings.integration;
  print.out(`tide ${TIDE_VERSION} · integration ${identifier} (${type} ${version ?? 'version unknown'}) · ${rt.name.toLowerCase()} ${rt.version}${o.dryRun ? ' · dry run' : ''}`);

  const port = await portFor(configured, rt, print);
  if (typeof port === 'number') return finished(port);
  const { embedded } = port;
  settings = port.settings;
  const base: Partial<BootResult> = { embeddedPortUrl: embedded?.url };
  const closeEmbedded = async () => {
    await embedded?.close().catch((error: unknown) => logger.warn('closing the embedded Port failed', { error: message(error) }));
  };
  if (settings.eventListener.type === 'KAFKA' && !rt.kafka) {
    print.err(`[tide] the KAFKA event listener is available on Node only; on ${rt.name} use POLLING, WEBHOOK, WEBHOOKS_ONLY or ONCE.`);
    await closeEmbedded();
    return finished(2, base);
  }

  // State and the integration instance.
  let state: Awaited<ReturnType<BootRuntime['openState']>>;
  try {
    state = await rt.openState(identifier);
  } catch (error) {
    print.err(bare(error));
    await closeEmbedded();
    return finished(1, base);
  }
  const release = async () => {
    try {
      await state.close?.();
    } catch {
      // already closed
    }
    await closeEmbedded();
  };
  let tide: Tide;
  // The core logs every resync's outcome; the last report is kept for ONCE's summary.
  let lastReport: ResyncReport | undefined;
  let lastIncremental: IncrementalReport | undefined;
  try {
    tide = createTide({
      integration: configured.integration,
      settings,
      spec: configured.spec,
      state: state.store,
      logger,
      onProgress: o.onProgress ?? createProgressLog(logger, { now: o.now }),
      env: configured.env,
      timers: rt.timers,
      onResyncReport: (report) => {
        lastReport = report;
        embedded?.keepReport?.(identifier, report);
      },
      onIncrementalReport: (report) => {
        lastIncremental = report;
      },
    });
  } catch (error) {
    print.err(bare(error));
    await release();
    return finished(1, base);
  }

  const runMapping = configured.mapping;
  if (o.dryRun) {
    const result = await dryRun(tide, identifier, print, { mapping: runMapping, force: o.force });
    await release();
    return { ...base, ...result };
  }
  return serve({ tide, settings, o, rt, print, logger, release, base, lastReport: () => lastReport, lastIncremental: () => lastIncremental, mapping: runMapping });
}

/**
 * Port: the configured one, else the local Port where the runtime has one (exactly one of the two
 * credentials missing fails in settings). An exit status when neither is possible.
 */
async function portFor(configured: Extract<Configured, { ok: true }>, rt: BootRuntime, print: Printer): Promise<{ settings: TideSettings; embedded?: EmbeddedPort } | number> {
  const { settings } = configured;
  if (settings.port.mode !== 'embedded') return { settings };
  if (!rt.embeddedPort) {
    print.err(
      `[tide] no Port credentials: the embedded local Port runs only under Node (\`npx port-tide sail\`). On ${rt.name} set OCEAN__PORT__CLIENT_ID and ` +
        'OCEAN__PORT__CLIENT_SECRET (and OCEAN__PORT__BASE_URL for a local emulator, e.g. `npm run port-local`).',
    );
    return 2;
  }
  let embedded: EmbeddedPort;
  try {
    embedded = await rt.embeddedPort();
  } catch (error) {
    print.err(`[tide] could not start the embedded local Port: ${message(error).replace(/^\[tide\]\s*/, '')}`);
    return 1;
  }
  print.mask([...configured.secrets, embedded.clientSecret]);
  print.out(`no Port credentials: using the embedded local Port at ${embedded.url} (data in ${embedded.dbFile})`);
  return { embedded, settings: { ...settings, port: { ...settings.port, baseUrl: embedded.url, clientId: embedded.clientId, clientSecret: embedded.clientSecret } } };
}

/** Dry run: read-only provisioning and a plan; nothing is written to Port. */
async function dryRun(tide: Tide, identifier: string, print: Printer, run: { mapping?: RunMapping; force?: boolean }): Promise<BootResult> {
  const result = finished(1, { tide });
  try {
    result.provision = await tide.provision({ dryRun: true, mapping: run.mapping, force: run.force });
    for (const line of provisionLines(result.provision, identifier)) print.out(line);
    result.plan = await tide.plan({ mapping: run.mapping });
    for (const line of planLines(result.plan)) print.out(line);
    result.exitCode = result.plan.status === 'ok' ? 0 : 1;
  } catch (error) {
    print.err(`[tide] the plan failed: ${message(error)}`);
  }
  return result;
}

interface Started {
  tide: Tide;
  settings: TideSettings;
  o: BootOptions;
  rt: BootRuntime;
  print: Printer;
  logger: Logger;
  release(): Promise<void>;
  base: Partial<BootResult>;
  lastReport(): ResyncReport | undefined;
  lastIncremental(): IncrementalReport | undefined;
  mapping?: RunMapping;
}

/** Defaults, then the HTTP server, then onStart and the listener; ONCE ends with its summary. */
async function serve({ tide, settings, o, rt, print, logger, release, base, lastReport, lastIncremental, mapping }: Started): Promise<BootResult> {
  let provision: ProvisionReport | undefined;
  try {
    provision = await tide.provision({ mapping, force: o.force });
    for (const e of provision.errors) logger.error(`provisioning: ${e}`);
  } catch (error) {
    if (error instanceof ProvisionError) {
      print.err(bare(error));
      await release();
      return finished(1, base);
    }
    // §7.1: other provisioning errors do not stop startup.
    logger.error('provisioning failed; starting anyway', { error: message(error) });
  }
  let server: Listening | undefined;
  let url: string | undefined;
  if (servesHttp(settings.eventListener.type)) {
    const host = o.host ?? settings.application.host ?? DEFAULT_HOST;
    const port = o.port ?? settings.application.port;
    try {
      server = await rt.listen((request) => tide.fetch(request), { host, port });
    } catch (error) {
      print.err(`[tide] could not start the HTTP server on ${host}:${port}: ${message(error)}`);
      await release();
      return finished(1, base);
    }
    url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${server.port}`;
    print.out(`listening on http://${host}:${server.port} · event listener ${settings.eventListener.type}`);
    const live = liveEventsEnablement({ baseUrl: settings.baseUrl, listenerType: settings.eventListener.type });
    if (live !== true && tide.live.paths.length > 0)
      logger.info(`live events are off (${live.reason}): POST /integration${tide.live.paths[0]} answers 503 until then`);
  }

  let removeSignals = () => {};
  let stopping: Promise<void> | undefined;
  let kafka: { stop(): Promise<void> } | undefined;
  // §8.1: the whole shutdown takes at most shutdownTimeout; the wait for the running resync ends earlier, so
  // that the aborted state still reaches Port before the process leaves.
  const deadlineMs = settings.shutdownTimeout * 1000;
  const resyncWaitMs = deadlineMs - Math.min(5000, deadlineMs / 4);
  const stop = (): Promise<void> =>
    (stopping ??= withDeadline(
      (async () => {
        removeSignals();
        await kafka?.stop();
        // Shutdown: aborted state first (inside tide.stop), stop accepting, drain live events (≤ 5 s).
        await tide
          .stop({ stopAccepting: () => server?.stopAccepting(), deadlineMs: resyncWaitMs })
          .catch((error: unknown) => logger.error('shutdown failed', { error: message(error) }));
        await server?.close().catch(() => {});
        await release();
      })(),
      deadlineMs,
      () => logger.error(`[tide] shutdown did not finish within shutdownTimeout (${settings.shutdownTimeout} s); leaving what still runs`),
    ));
  if ((o.handleSignals ?? true) && rt.signals) removeSignals = onSignals(rt.signals, stop, logger, settings.eventListener.type === 'ONCE' ? 1 : 0);

  try {
    await tide.start();
    if (tide.listener.type === 'KAFKA') {
      // Another instance holds the partition, or the consumer is gone for good: this instance ends, failed.
      const stopInstance = () => {
        if (o.handleSignals ?? true) rt.signals?.exitCode(1);
        void stop();
      };
      kafka = await rt.kafka!(tide, { logger, stopInstance });
    }
  } catch (error) {
    // §5.1: a listener that fails to start is fatal.
    print.err(`[tide] the ${settings.eventListener.type} listener failed to start: ${message(error)}`);
    await stop();
    return finished(1, { ...base, tide, url, provision });
  }
  if (tide.listener.type === 'ONCE') {
    const exitCode = tide.listener.onceResult()?.exitCode ?? 1;
    const report = lastReport();
    const incrementalReport = lastIncremental();
    if (report) for (const line of resyncLines(report)) print.out(line);
    if (incrementalReport) for (const line of incrementalLines(incrementalReport)) print.out(line);
    if (base.embeddedPortUrl) print.out(BROWSE_LINE);
    await stop();
    // The last line says what the exit status means (docs/behaviour.md §4.11).
    const outcome = report
      ? describeOutcome({ ...report, exitCode })
      : incrementalReport
        ? describeIncrementalOutcome(incrementalReport)
        : `the ${settings.integration.incrementalSyncEnabled ? 'incremental run' : 'resync'} did not run to its end`;
    print.out(`exit ${exitCode}: ${outcome}`);
    return finished(exitCode, { ...base, tide, url, provision, report, incrementalReport });
  }
  return { ...base, tide, url, provision, stop };
}

/** First signal: graceful shutdown, then exit; a second one exits at once. */
function onSignals(signals: NonNullable<BootRuntime['signals']>, stop: () => Promise<void>, logger: Logger, exitCode: number): () => void {
  let received = false;
  const remove = signals.listen((signal) => {
    if (received) return signals.exit(130);
    received = true;
    logger.info(`${signal}: shutting down (again to force)`);
    void stop().finally(() => signals.exit(exitCode));
  });
  // Keep the handler during the shutdown it started, so a second signal can still force the exit.
  return () => {
    if (!received) remove();
  };
}

/** `work`, or `onLate()` once `ms` have passed without it settling; resolves either way. */
async function withDeadline(work: Promise<void>, ms: number, onLate: () => void): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(() => (onLate(), resolve()), ms)));
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const objects = [prev, v].every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
    out[k] = objects ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
