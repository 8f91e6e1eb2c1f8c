import { join } from 'node:path';
import type { IntegrationDefinition } from '../../src/index.ts';
import { createRedactor, formatSettingsErrors, loadSettings, sensitiveValues, type TideSettings } from '../../src/config/index.ts';
import { ProvisionError, type ProvisionReport } from '../../src/defaults/index.ts';
import { createTide, type Tide } from '../../src/integration/create-tide.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { ResyncReport } from '../../src/sync/index.ts';
import { TIDE_VERSION } from '../../src/version.ts';
import { createFileStateStore } from './file-state-store.ts';
import { startKafkaConsumer, type KafkaConsumerHandle } from './kafka.ts';
import { loadIntegrationFolder, readConfigYaml, readEnvironment } from './load.ts';
import { createNodeLogger } from './logger.ts';
import { BROWSE_LINE, planLines, provisionLines, resyncLines } from './print.ts';
import { startEmbeddedPort, startHttpServer, type EmbeddedPort, type HttpServer } from './runtime.ts';
import type { SailOptions, SailResult } from './sail.ts';

type RunOptions = Omit<SailOptions, 'integration'> & { cwd: string };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The body of `sail()` / `serve()`: each numbered step follows the `tide sail` order of §8.1. */
export async function run(definition: IntegrationDefinition<any>, dir: string, o: RunOptions): Promise<SailResult> {
  const done = (exitCode: number, extra: Partial<SailResult> = {}): SailResult => ({ ...extra, exitCode, stop: async () => {} });
  const rawOut = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let redact = (text: string) => text;
  const print = (line: string) => rawOut(redact(line));
  const printErr = o.out ? print : (line: string) => process.stderr.write(`${redact(line)}\n`);

  // 1. Settings, spec and the folder's resources; nothing starts when any of them is invalid.
  let folder;
  try {
    folder = loadIntegrationFolder(dir);
  } catch (error) {
    printErr(message(error));
    return done(2);
  }
  const spec = definition.spec ?? folder.spec;
  const resources = definition.resources ?? folder.resources;
  const env = readEnvironment(o.cwd, (o.env ?? process.env) as NodeJS.ProcessEnv);
  const overrides = deepMerge(o.overrides ?? {}, o.logLevel ? { application: { logLevel: o.logLevel.toUpperCase() } } : {});
  const loaded = loadSettings({
    env,
    configYaml: readConfigYaml(o.cwd),
    overrides,
    spec,
    integrationDefaults: { type: definition.type, version: definition.version },
    packageJson: folder.packageJson,
  });
  if (!loaded.ok) {
    printErr('[tide] invalid settings:');
    for (const line of formatSettingsErrors(loaded.errors).split('\n')) printErr(`  ${line}`);
    return done(2);
  }
  let settings: TideSettings = loaded.settings;
  const secrets = sensitiveValues(settings, spec);
  redact = createRedactor(secrets);
  const logger = createNodeLogger({
    level: settings.application.logLevel,
    format: o.logFormat ?? 'pretty',
    redact: (t) => redact(t),
    write: o.out ? (line) => o.out!(line) : undefined,
  });
  for (const w of loaded.warnings) logger.warn(w);
  const { identifier, type, version } = settings.integration;
  print(`tide ${TIDE_VERSION} · integration ${identifier} (${type} ${version ?? 'version unknown'})${o.dryRun ? ' · dry run' : ''}`);

  // 2. Port: the real one with both credentials, else the embedded emulator (exactly one fails in settings).
  let embedded: EmbeddedPort | undefined;
  if (settings.port.mode === 'embedded') {
    try {
      embedded = await startEmbeddedPort(o.cwd);
    } catch (error) {
      printErr(`[tide] could not start the embedded local Port: ${message(error)}`);
      return done(1);
    }
    redact = createRedactor([...secrets, embedded.clientSecret]);
    settings = { ...settings, port: { ...settings.port, baseUrl: embedded.url, clientId: embedded.clientId, clientSecret: embedded.clientSecret } };
    print(`no Port credentials: using the embedded local Port at ${embedded.url} (data in ${embedded.dbFile})`);
  }
  const closeEmbedded = async () => {
    await embedded?.emulator.close().catch((error: unknown) => logger.warn('closing the embedded Port failed', { error: message(error) }));
  };
  const base = { embeddedPortUrl: embedded?.url };

  // 3. The integration instance.
  let tide: Tide;
  // The core logs every resync's outcome; the adapter keeps the last report for ONCE's summary.
  let lastReport: ResyncReport | undefined;
  try {
    tide = createTide({
      integration: { ...definition, spec, resources },
      settings,
      spec,
      state: createFileStateStore(join(o.cwd, '.tide', 'state', encodeURIComponent(identifier))),
      logger,
      onProgress: o.onProgress,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')),
      onResyncReport: (report) => {
        lastReport = report;
        embedded?.emulator.recordResyncReport(identifier, report);
      },
    });
  } catch (error) {
    printErr(`[tide] ${message(error).replace(/^\[tide\]\s*/, '')}`);
    await closeEmbedded();
    return done(1, base);
  }

  // 4. Dry run: read-only provisioning and a plan; nothing is written to Port.
  if (o.dryRun) return dryRun(tide, identifier, print, printErr, closeEmbedded, base);

  // 5. Defaults, then the HTTP server, then onStart and the listener.
  let provision: ProvisionReport | undefined;
  try {
    provision = await tide.provision();
    for (const e of provision.errors) logger.error(`provisioning: ${e}`);
  } catch (error) {
    if (error instanceof ProvisionError) {
      printErr(`[tide] ${message(error)}`);
      await closeEmbedded();
      return done(1, base);
    }
    // §7.1: other provisioning errors do not stop startup.
    logger.error('provisioning failed; starting anyway', { error: message(error) });
  }
  let server: HttpServer;
  try {
    server = await startHttpServer(tide.fetch, o.httpPort ?? settings.application.port);
  } catch (error) {
    printErr(`[tide] could not start the HTTP server on 0.0.0.0:${o.httpPort ?? settings.application.port}: ${message(error)}`);
    await closeEmbedded();
    return done(1, base);
  }
  const url = `http://127.0.0.1:${server.port}`;
  print(`listening on http://0.0.0.0:${server.port} · event listener ${settings.eventListener.type}`);

  let signalCleanup = () => {};
  let stopping: Promise<void> | undefined;
  let kafka: KafkaConsumerHandle | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      signalCleanup();
      await kafka?.stop();
      // 6. Shutdown: aborted state first (inside tide.stop), stop accepting, drain live events (≤ 5 s).
      await tide.stop({ stopAccepting: () => server.stopAccepting() }).catch((error: unknown) => logger.error('shutdown failed', { error: message(error) }));
      await server.close();
      await closeEmbedded();
    })());
  if (o.handleSignals ?? true) signalCleanup = installSignalHandlers(stop, logger, () => (settings.eventListener.type === 'ONCE' ? 1 : 0));

  try {
    await tide.start();
    if (tide.listener.type === 'KAFKA') {
      kafka = await startKafkaConsumer({
        tide,
        logger,
        tuning: o.kafka,
        // Another instance holds the partition, or the consumer is gone for good: this instance ends.
        stopInstance: () => {
          if (o.handleSignals ?? true) process.exitCode = 1;
          void stop();
        },
      });
    }
  } catch (error) {
    // §5.1: a listener that fails to start is fatal.
    printErr(`[tide] the ${settings.eventListener.type} listener failed to start: ${message(error)}`);
    await stop();
    return done(1, { ...base, tide, url, provision });
  }
  if (tide.listener.type === 'ONCE') {
    const result = tide.listener.onceResult();
    if (lastReport) for (const line of resyncLines(lastReport)) print(line);
    if (embedded) print(BROWSE_LINE);
    await stop();
    return done(result?.exitCode ?? 1, { ...base, tide, url, provision, report: lastReport });
  }
  return { ...base, tide, url, provision, stop };
}

async function dryRun(
  tide: Tide,
  identifier: string,
  print: (line: string) => void,
  printErr: (line: string) => void,
  closeEmbedded: () => Promise<void>,
  base: Partial<SailResult>,
): Promise<SailResult> {
  const result: SailResult = { ...base, tide, stop: async () => {} };
  try {
    result.provision = await tide.provision({ dryRun: true });
    for (const line of provisionLines(result.provision, identifier)) print(line);
    result.plan = await tide.plan();
    for (const line of planLines(result.plan)) print(line);
    result.exitCode = result.plan.status === 'ok' ? 0 : 1;
  } catch (error) {
    printErr(`[tide] the plan failed: ${message(error)}`);
    result.exitCode = 1;
  }
  await closeEmbedded();
  return result;
}

/** First signal: graceful shutdown, then exit; a second one exits at once. */
function installSignalHandlers(stop: () => Promise<void>, logger: Logger, exitCode: () => number): () => void {
  let received = false;
  const handler = (signal: NodeJS.Signals) => {
    if (received) process.exit(130);
    received = true;
    logger.info(`${signal}: shutting down (again to force)`);
    void stop().finally(() => process.exit(exitCode()));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    // Keep the handler during the shutdown it started, so a second signal can still force the exit.
    if (received) return;
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof prev === 'object' && prev !== null && !Array.isArray(prev) && typeof v === 'object' && v !== null && !Array.isArray(v)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
