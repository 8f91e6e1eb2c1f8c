import type { Hono } from 'hono';
import { createPortActionAgent, createPortRunCompletion, type ActionAgent, type RunJournal } from '../actions/index.ts';
import { createRedactor, sensitiveValues, type IntegrationSpec, type TideSettings } from '../config/index.ts';
import { defaultsPortFor, emptyResources, mappingForPort, provisionDefaults, SHIPPED_MAPPING, type ProvisionReport } from '../defaults/index.ts';
import { createHttpClient, VENDOR_RETRY_POLICY, type HttpClient } from '../http/index.ts';
import { createGatedStarter, createListener, listenerRunsActions, listenerUsesSchedule, type Listener, type ResyncStarter, type ScheduleTimers } from '../listeners/index.ts';
import { createDeliveryLedger, createLiveEvents, liveEventsEnablement, type DeliveryLedger, type LiveEvents, type WebhookEvent } from '../live/index.ts';
import { silentLogger, type Logger } from '../logging/logger.ts';
import { createMapper, type Mapper } from '../mapping/index.ts';
import { createPortClient, type PortClient } from '../port/index.ts';
import { createServerApp } from '../server/app.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import { createMemoryStateStore, isMemoryStateStore, type StateStore } from '../state/index.ts';
import {
  createPortCursorStore,
  createResyncRecords,
  createResyncRunner,
  describeOutcome,
  hasIncrementalHandlers,
  selectorSchemas,
  type IncrementalReport,
  type KindReport,
  type Plan,
  type ResyncRecord,
  type ResyncReport,
  type ResyncRunner,
} from '../sync/index.ts';
import { TIDE_VERSION } from '../version.ts';
import { parseIntegrationConfig } from './config.ts';
import type { HookContext, IntegrationDefinition } from './define.ts';

/**
 * `createTide()` builds one running integration instance from its definition and settings: the Port
 * client, the mapper, the resync engine, live events, the listener and the HTTP app. Adapters wrap it:
 * they supply `fetch`, a StateStore, a logger and timers, and call `start()` / `stop()`.
 */
export interface CreateTideOptions<Config = Record<string, unknown>> {
  integration: IntegrationDefinition<Config>;
  settings: TideSettings;
  /** The parsed `.port/spec.yaml`, for masking sensitive values (default: `integration.spec`). */
  spec?: IntegrationSpec;
  fetch?: typeof fetch;
  state?: StateStore;
  logger?: Logger;
  /** What JQ `env` / `$ENV` show when `allowEnvironmentVariablesJqAccess` is on. */
  env?: Record<string, string>;
  /** Shared across instances of one process (it caches jq-wasm). */
  mapper?: Mapper;
  /** Live per-resource resync counters, after each page (the CLI's TTY progress). */
  onProgress?: (report: Readonly<KindReport>) => void;
  /** Receives every resync's report, whoever triggered it (adapters print the deletion report). */
  onResyncReport?: (report: ResyncReport) => void;
  /** Receives every incremental run's report (§4.12), whoever triggered it. */
  onIncrementalReport?: (report: IncrementalReport) => void;
  /**
   * Hand accepted live events to an external queue (e.g. a Cloudflare Queue) instead of the in-memory one;
   * its consumer calls `live.processEvent(path, event)`.
   */
  dispatchLiveEvent?: (path: string, event: WebhookEvent) => Promise<void>;
  /** The runtime's timers, for the scheduled resync and the POLLING interval (default: the global ones). */
  timers?: ScheduleTimers;
  /**
   * What `POST /resync` does, for a runtime whose resyncs live elsewhere (the Workers Durable Object). Default:
   * the in-process gate (`resyncTriggerMinInterval`, one pending resync).
   */
  resyncStarter?: ResyncStarter;
  /** What `GET /resync/{id}` answers, with the starter above. Default: the last 50 resyncs of this instance. */
  resyncStatus?: (resyncId: string) => Promise<ResyncRecord | undefined>;
  /** Where delivery ids are remembered (default: a ledger over `state`). */
  deliveries?: DeliveryLedger;
  /** Where the action agent records the runs it executes (a Durable Object's storage), so a successor can report them interrupted. */
  actionsJournal?: RunJournal;
}

/** How {@link Tide.resync} is asked for a resync. */
export interface ResyncRequest {
  /** The id it runs under (default: a new UUID). */
  resyncId?: string;
  /** What triggered it (`webhook`, `poll`, …), for `GET /resync/{id}`. */
  trigger?: string;
}

export interface Tide {
  readonly settings: TideSettings;
  readonly port: PortClient;
  readonly mapper: Mapper;
  readonly listener: Listener;
  readonly live: LiveEvents;
  readonly metrics: Metrics;
  /** The action agent (§11), when `actionsProcessor.enabled` and the listener runs it; `start()` starts it in process. */
  readonly actions?: ActionAgent;
  /** The Hono app: health, metrics, `POST /resync`, `POST /integration/*`. */
  readonly app: Hono;
  fetch(request: Request): Promise<Response>;
  /** Run one resync now (superseding a running one); resolves with its report. */
  resync(request?: ResyncRequest): Promise<ResyncReport>;
  /** What is known of a resync (`GET /resync/{id}`): pending, running, or ended with its report. */
  resyncStatus(resyncId: string): Promise<ResyncRecord | undefined>;
  /** A resync carried across invocations in a checkpoint store (see `ResyncRunner.resumable`). */
  readonly resumable: ResyncRunner['resumable'];
  /**
   * One incremental run now (§4.12), whatever `incrementalSyncEnabled` says; resolves `undefined` when it is
   * skipped because a resync or another incremental run is in progress.
   */
  incremental(): Promise<IncrementalReport | undefined>;
  /** An incremental run carried across invocations (see `ResyncRunner.incrementalResumable`). */
  readonly incrementalResumable: ResyncRunner['incrementalResumable'];
  /**
   * Whether incremental runs are scheduled (`incrementalSyncEnabled`, an incremental handler, and a listener that
   * schedules: POLLING, WEBHOOK, KAFKA), and how often: a runtime without timers (Workers) decides with it.
   */
  readonly incrementalSync: { scheduled: boolean; intervalMinutes: number };
  /**
   * The same pipeline with no writes. `mapping` is the run's own (`--mapping FILE`); without it, the embedded
   * Port plans with the shipped mapping (which its start pushes) and a real Port with the mapping it stores.
   */
  plan(options?: { signal?: AbortSignal; mapping?: RunMapping }): Promise<Plan>;
  /**
   * Defaults provisioning (§7.1) and the files-first start (§7.4); with `dryRun`, only reads. `update` pushes
   * the file mapping and additive blueprint changes even to a real Port; `force` applies destructive ones.
   */
  provision(options?: { dryRun?: boolean; update?: boolean; force?: boolean; mapping?: RunMapping }): Promise<ProvisionReport>;
  /** Startup after provisioning: `onStart` hooks in the background, then the listener. */
  start(): Promise<void>;
  /**
   * Shutdown: report an aborted resync, stop triggers, then `stopAccepting` (adapters close their
   * server there, so no live event arrives after the drain starts), then drain live events (5 s).
   * `deadlineMs` bounds the wait for a resync that ignores its abort signal: past it, the resync is
   * reported aborted all the same (`shutdownTimeout`).
   */
  stop(options?: { stopAccepting?: () => void | Promise<void>; deadlineMs?: number }): Promise<void>;
}

/** A mapping given for one run, and where it came from (a file path). */
export interface RunMapping {
  raw: Record<string, unknown>;
  source: string;
}

export function createTide<Config = Record<string, unknown>>(o: CreateTideOptions<Config>): Tide {
  const integration = o.integration as IntegrationDefinition<any>;
  const { clientId, clientSecret } = o.settings.port;
  if (!clientId || !clientSecret)
    throw new Error('[tide] createTide needs Port credentials (OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET); adapters start the local emulator when neither is set');
  const secrets = sensitiveValues(o.settings, o.spec ?? integration.spec);
  // Validated once, here: every handler, hook and webhook route sees the schema's output.
  const config = parseIntegrationConfig(integration.config, o.settings.integration.config, createRedactor(secrets));
  const settings: TideSettings = { ...o.settings, integration: { ...o.settings.integration, config } };
  const logger = o.logger ?? silentLogger;
  const fetchFn = o.fetch ?? ((input, init) => fetch(input, init));
  const state = o.state ?? createMemoryStateStore();
  const { identifier, type, version } = settings.integration;
  // No credentials: the local Port `tide sail` embeds, whose catalog follows the integration's files (§7.4).
  const embedded = settings.port.mode === 'embedded';

  const port = createPortClient({
    baseUrl: settings.port.baseUrl,
    clientId,
    clientSecret,
    userAgent: { type, version: version ?? '0.0.0', identifier },
    fetch: fetchFn,
    concurrency: settings.upsertEntitiesConcurrency,
    batchMaxLength: settings.upsertEntitiesBatchMaxLength,
    batchMaxBytes: settings.upsertEntitiesBatchMaxSizeInBytes,
    deleteBatchSize: settings.deleteEntitiesMaxBatchSize,
    logger: logger.child({ component: 'port' }),
  });
  const mapper =
    o.mapper ??
    createMapper({
      allowEnvironmentVariablesJqAccess: settings.allowEnvironmentVariablesJqAccess,
      env: settings.allowEnvironmentVariablesJqAccess ? o.env : {},
      requiredFields: async (blueprint) => {
        const bp = await port.getBlueprint(blueprint);
        if (!bp) return undefined;
        const relations = (bp.relations ?? {}) as Record<string, { required?: boolean }>;
        return {
          properties: (bp.schema as { required?: string[] } | undefined)?.required ?? [],
          relations: Object.keys(relations).filter((r) => relations[r]?.required === true),
        };
      },
    });
  const http: HttpClient = createHttpClient({
    fetch: fetchFn,
    timeoutMs: settings.clientTimeout * 1000,
    retryBase: VENDOR_RETRY_POLICY,
    logger: logger.child({ component: 'http' }),
  });
  const processStartedAt = Date.now();
  const metrics = createMetrics({ integration: identifier, type });

  const runner: ResyncRunner = createResyncRunner({
    integration,
    port,
    mapper,
    settings,
    logger: logger.child({ component: 'resync' }),
    state,
    http,
    sensitiveValues: secrets,
    processStartedAt,
    onProgress: o.onProgress,
    // Ocean's store, so cursors carry over from an Ocean deployment (§4.12); the StateStore otherwise.
    cursors:
      settings.integration.incrementalSyncCursorStore === 'port'
        ? createPortCursorStore(port, identifier, { event: { type: 'incremental_resync' } })
        : undefined,
  });
  const records = createResyncRecords();
  const resync = async (request: ResyncRequest = {}): Promise<ResyncReport> => {
    const started = Date.now();
    const resyncId = request.resyncId ?? crypto.randomUUID();
    records.put({ resyncId, state: 'running', trigger: request.trigger, startedAt: new Date(started).toISOString() });
    const report = await runner.resync({ resyncId });
    records.finish(report);
    metrics.recordResync(report, Date.now() - started);
    o.onResyncReport?.(report);
    return report;
  };
  const trigger = {
    async resync(request: ResyncRequest) {
      const report = await resync(request);
      return { status: report.status, exitCode: report.exitCode, detail: describeOutcome(report) };
    },
  };
  // POST /resync (WEBHOOK): the gate; a pending resync is visible at GET /resync/{id} before it starts.
  const gated = o.resyncStarter ? undefined : createGatedStarter({ trigger, minIntervalSeconds: settings.resyncTriggerMinInterval, logger: logger.child({ component: 'listener' }) });
  const resyncStarter: ResyncStarter =
    o.resyncStarter ??
    (() => {
      const triggered = gated!.start();
      if (triggered?.outcome === 'pending' && !records.get(triggered.resyncId)) {
        records.put({ resyncId: triggered.resyncId, state: 'pending', trigger: 'webhook', requestedAt: new Date().toISOString() });
      }
      return triggered;
    });

  const recordIncremental = (report: IncrementalReport, durationMs: number): void => {
    metrics.recordIncremental(report, durationMs);
    o.onIncrementalReport?.(report);
  };
  const incremental = async (): Promise<IncrementalReport | undefined> => {
    const started = Date.now();
    const report = await runner.incremental();
    if (!report) logger.info('[tide] incremental sync skipped: a resync or another incremental run is in progress', { syncType: 'incremental' });
    else recordIncremental(report, Date.now() - started);
    return report;
  };
  const incrementalEnabled = settings.integration.incrementalSyncEnabled === true;
  const incrementalHandlers = hasIncrementalHandlers(integration);

  const listener = createListener(settings.eventListener.type, {
    identifier,
    integrationType: type,
    trigger,
    resyncStarter,
    port,
    eventListener: settings.eventListener,
    scheduledResyncInterval: settings.scheduledResyncInterval,
    processStartedAt,
    logger: logger.child({ component: 'listener' }),
    timers: o.timers,
    incremental: incrementalEnabled
      ? {
          // A skipped tick (another sync in progress) is no failure.
          trigger: { resync: async () => ({ status: outcomeStatus(await incremental()) }) },
          intervalMinutes: settings.integration.incrementalSyncInterval ?? 15,
          scheduled: incrementalHandlers,
        }
      : undefined,
  });
  const live = createLiveEvents({
    processors: integration.webhooks ?? {},
    processorContext: {
      config,
      logger: logger.child({ component: 'webhook' }),
      ...(settings.actionsProcessor.enabled ? { actions: createPortRunCompletion(port, identifier, logger.child({ component: 'actions' })) } : {}),
    },
    port,
    mapper,
    identifier,
    logger: logger.child({ component: 'live' }),
    enabled: liveEventsEnablement({ baseUrl: settings.baseUrl, listenerType: settings.eventListener.type }),
    selectorSchemas: selectorSchemas(integration),
    dispatch: o.dispatchLiveEvent,
    queueLimits: { maxEvents: settings.liveEventsQueueMaxLength, maxBytes: settings.liveEventsQueueMaxSizeInBytes },
    deliveries: o.deliveries ?? createDeliveryLedger(state),
  });
  const resyncStatus = o.resyncStatus ?? (async (resyncId: string) => records.get(resyncId));
  const app = createServerApp({
    coreVersion: TIDE_VERSION,
    metrics,
    logger,
    maxBodyBytes: settings.requestBodyMaxSizeInBytes,
    adminToken: settings.adminToken,
    resync: 'handleResync' in listener ? (listener.handleResync as (r: Request) => Promise<Response>) : undefined,
    resyncStatus,
    liveEvents: (request, path) => live.handle(request, path),
  });

  const actions =
    settings.actionsProcessor.enabled && listenerRunsActions(settings.eventListener.type)
      ? createPortActionAgent(port, identifier, {
          actions: integration.actions ?? {},
          settings: settings.actionsProcessor,
          base: { config, http, state, logger: logger.child({ component: 'action' }) },
          logger: logger.child({ component: 'actions' }),
          warnPending: settings.eventListener.type === 'ACTIONS_ONLY',
          journal: o.actionsJournal,
        })
      : undefined;

  const hookContext = (): HookContext<any> => ({ config, logger, http, state, signal: new AbortController().signal });

  return {
    settings,
    port,
    mapper,
    listener,
    live,
    metrics,
    actions,
    app,
    fetch: (request) => Promise.resolve(app.fetch(request)),
    resync,
    resyncStatus,
    resumable: {
      begin: (store, options) => runner.resumable.begin(store, options),
      async step(store, budget, options) {
        const result = await runner.resumable.step(store, budget, options);
        if (result.status === 'done') {
          metrics.recordResync(result.report, Date.parse(result.report.finishedAt) - Date.parse(result.report.startedAt));
          o.onResyncReport?.(result.report);
        }
        return result;
      },
      abandon: (store, reason) => runner.resumable.abandon(store, reason),
    },
    incremental,
    incrementalSync: {
      scheduled: incrementalEnabled && incrementalHandlers && listenerUsesSchedule(settings.eventListener.type),
      intervalMinutes: settings.integration.incrementalSyncInterval ?? 15,
    },
    incrementalResumable: {
      begin: (store) => runner.incrementalResumable.begin(store),
      async step(store, budget, options) {
        const result = await runner.incrementalResumable.step(store, budget, options);
        if (result.status === 'done') recordIncremental(result.report, Date.parse(result.report.finishedAt) - Date.parse(result.report.startedAt));
        return result;
      },
      abandon: (store, reason) => runner.incrementalResumable.abandon(store, reason),
    },
    plan(options = {}) {
      const shipped = integration.resources?.portAppConfig;
      // With the embedded Port the files are the source of truth: its start pushes the shipped mapping (§7.4).
      const mapping = options.mapping ?? (embedded && shipped ? { raw: shipped, source: SHIPPED_MAPPING } : undefined);
      return runner.plan({ signal: options.signal, mapping: mapping && { raw: mappingForPort(mapping.raw), source: mapping.source } });
    },
    provision: (options = {}) =>
      provisionDefaults({
        port: defaultsPortFor(port, identifier),
        integration: { identifier, type, version },
        changelogDestination: listener.changelogDestination as Record<string, unknown>,
        actionsProcessingEnabled: settings.actionsProcessor.enabled,
        resources: integration.resources ?? emptyResources(),
        initializePortResources: settings.initializePortResources,
        incrementalSyncEnabled: incrementalEnabled,
        dryRun: options.dryRun,
        files: {
          pushMapping: embedded || options.update === true || options.mapping !== undefined,
          pushBlueprints: (embedded || options.update === true) && settings.initializePortResources,
          force: options.force,
          mapping: options.mapping,
        },
        logger: logger.child({ component: 'defaults' }),
      }),
    async start() {
      if (incrementalEnabled) warnIncremental(settings, state, incrementalHandlers, logger);
      if (integration.onStart) {
        // onStart runs in the background; its errors are logged, never fatal (§4.1).
        Promise.resolve()
          .then(() => integration.onStart!(hookContext()))
          .catch((err: unknown) => logger.error('onStart failed', { error: err instanceof Error ? err.message : String(err) }));
      }
      await listener.start();
      actions?.start();
    },
    async stop(options = {}) {
      const dropped = gated?.stop();
      if (dropped) records.put({ resyncId: dropped, state: 'aborted', reason: 'shut down before it started' });
      // The aborted state is reported before anything else stops (§9.2).
      await runner.abort({ waitMs: options.deadlineMs });
      await listener.stop();
      await options.stopAccepting?.();
      // One drain for both: live events and executing runs share the 5 s (§6.3, §11.4).
      await Promise.all([live.drain(5000), actions?.stop()]);
    },
  };
}

/** How an incremental run's outcome reads to a listener (ONCE's exit status): nothing to do is success. */
function outcomeStatus(report: IncrementalReport | undefined): 'completed' | 'failed' | 'aborted' {
  if (!report || report.outcome === 'no-op') return 'completed';
  return report.outcome;
}

/** §4.12: what makes incrementalSyncEnabled do less than a user expects, said once at startup. */
function warnIncremental(settings: TideSettings, state: StateStore, handlers: boolean, logger: Logger): void {
  const type = settings.eventListener.type;
  if (!listenerRunsIncremental(type)) {
    logger.warn(`[tide] incrementalSyncEnabled is set, but the ${type} listener never runs incremental syncs`);
    return;
  }
  if (!handlers) {
    logger.warn(
      type === 'ONCE'
        ? '[tide] incrementalSyncEnabled is set, but no kind declares an incremental handler: this run does nothing'
        : '[tide] incrementalSyncEnabled is set, but no kind declares an incremental handler: no incremental sync is scheduled',
    );
    return;
  }
  if (settings.integration.incrementalSyncCursorStore !== 'port' && isMemoryStateStore(state)) {
    logger.warn('[tide] incremental cursors are kept in memory and lost on a restart: give Tide a lasting StateStore, or set incrementalSyncCursorStore to port');
  }
}

/** ONCE makes one incremental run; POLLING, WEBHOOK and KAFKA schedule them; the others never run one (§4.12). */
function listenerRunsIncremental(type: TideSettings['eventListener']['type']): boolean {
  return type === 'ONCE' || type === 'POLLING' || type === 'WEBHOOK' || type === 'KAFKA';
}
