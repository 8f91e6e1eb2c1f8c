import { displayPath, envVarFor } from './catalogue.ts';
import type { OptionsLayer, Origin, SettingsIssue } from './catalogue.ts';
import { enumKind, urlKind } from './coerce.ts';
import { envToOptions } from './env.ts';
import type { EnvRecord } from './env.ts';
import { mergeLayers, originIn, overridesToOptions, valueAt } from './merge.ts';
import type { MergedOptions } from './merge.ts';
import { createRedactor, sensitivePaths } from './redact.ts';
import { EVENT_LISTENER_TYPES, PORT_BULK_DELETE_LIMIT, PORT_BULK_UPSERT_LIMIT, buildSettingsSchema, defaultsLayer } from './schema.ts';
import type { EventListenerType, LogLevel, ParsedOptions } from './schema.ts';
import type { IncrementalCursorStoreKind } from './incremental.ts';
import type { IntegrationSpec } from './spec.ts';
import { parseConfigYaml } from './yaml-config.ts';

/** Tide's resolved settings (docs/behaviour.md §2.4). */
export interface TideSettings {
  port: {
    clientId?: string;
    clientSecret?: string;
    baseUrl: string;
    /** `remote` with both credentials; `embedded` with neither (the caller starts the local emulator). */
    mode: 'remote' | 'embedded';
  };
  integration: {
    identifier: string;
    type: string;
    version?: string;
    config: Record<string, unknown>;
    /** Incremental syncs on (§4.12); also sent to Port as the integration's `incrementalSyncEnabled` (§7.1). */
    incrementalSyncEnabled?: boolean;
    /** Minutes between incremental syncs: 15, 30 or 60. */
    incrementalSyncInterval?: number;
    /** Where incremental cursors are kept (default `state`). */
    incrementalSyncCursorStore?: IncrementalCursorStoreKind;
  };
  eventListener: {
    type: EventListenerType;
    resyncOnStart: boolean;
    /** Seconds. */
    interval: number;
    appHost?: string;
    /** Comma-separated `host:port` list. */
    brokers: string;
    securityProtocol: string;
    authenticationMechanism: string;
    kafkaSecurityEnabled: boolean;
    /** Seconds. */
    consumerPollTimeout: number;
  };
  initializePortResources: boolean;
  /** Minutes. */
  scheduledResyncInterval?: number;
  sendRawDataExamples: boolean;
  /** Public URL of this integration (falls back to the deprecated `integration.config.appHost`). */
  baseUrl?: string;
  /** Already clamped to Port's bulk limit of 20. */
  upsertEntitiesBatchMaxLength: number;
  upsertEntitiesBatchMaxSizeInBytes: number;
  upsertEntitiesConcurrency: number;
  /** The effective size: `min(configured, 100)`. */
  deleteEntitiesMaxBatchSize: number;
  /** Seconds. */
  clientTimeout: number;
  allowEnvironmentVariablesJqAccess: boolean;
  /** The largest request body Tide's server reads (413 past it, before reading the rest). */
  requestBodyMaxSizeInBytes: number;
  /** Live events waiting in the in-memory queues, all paths together; past either bound, 503 with Retry-After. */
  liveEventsQueueMaxLength: number;
  liveEventsQueueMaxSizeInBytes: number;
  /** Seconds a graceful shutdown may take before the process exits anyway, the resync reported aborted. */
  shutdownTimeout: number;
  /** A shared secret: when set, `POST /resync`, `GET /resync/{id}` and `GET /metrics` need `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** Seconds between two resyncs that `POST /resync` starts; triggers in between join one pending resync. */
  resyncTriggerMinInterval: number;
  /**
   * **Tide:** a mapping file that is this run's mapping: pushed to Port before the resync, or planned
   * with and not written (docs/behaviour.md §7.4). Relative to the working directory.
   */
  mappingFile?: string;
  /** The HTTP server: `APPLICATION__LOG_LEVEL`, `APPLICATION__PORT`, and (**Tide**) `APPLICATION__HOST` (default 127.0.0.1; the Docker image sets 0.0.0.0). */
  application: { logLevel: LogLevel; port: number; host?: string };
  /** The action agent (docs/behaviour.md §11.1). */
  actionsProcessor: ActionsProcessorSettings;
}

/** How the action agent claims and runs (docs/behaviour.md §11.1). */
export interface ActionsProcessorSettings {
  enabled: boolean;
  pollCheckIntervalSeconds: number;
  workersCount: number;
  /** 1..1000. */
  runsBufferHighWatermark: number;
  /** 1..100, or null for no per-action cap. */
  maxRunsBufferUtilPctPerAction: number | null;
  /** 1000..600000. */
  visibilityTimeoutMs: number;
}

/** Programmatic overrides (CLI flags, tests), in the options tree: `{ eventListener: { type: 'ONCE' } }`. */
export type SettingsOverrides = Record<string, unknown>;

/** Everything settings are built from; reading files and the process env is the caller's job. */
export interface LoadSettingsOptions {
  env?: EnvRecord;
  /** `config.yaml` text, or the document already parsed. */
  configYaml?: string | Record<string, unknown>;
  overrides?: SettingsOverrides;
  spec?: IntegrationSpec;
  /** From the integration definition; `type` wins over the spec's `type`. */
  integrationDefaults?: { type?: string; version?: string };
  /**
   * The nearest package.json's `name` (as a type) and `version`: the last fallbacks, after the
   * definition and the spec (docs/behaviour.md §2.4).
   */
  packageJson?: { type?: string; version?: string };
  /**
   * The action types the integration declares (`defineIntegration({ actions })`); when given, enabling the action
   * agent without any is a settings error (docs/behaviour.md §11.5).
   */
  actionTypes?: readonly string[];
}

export type SettingsResult =
  | { ok: true; settings: TideSettings; warnings: string[] }
  | { ok: false; errors: SettingsIssue[]; warnings: string[] };

/**
 * Builds settings from overrides > env > config.yaml > defaults, deep-merged key by key, and validates them all.
 * Every problem is reported, each naming the option, its env var, the source of the bad value and the expectation;
 * sensitive values never appear in errors or warnings.
 *
 * @example
 * const r = loadSettings({ env: { OCEAN__EVENT_LISTENER__TYPE: 'ONCE' }, configYaml: 'eventListener: { interval: 30 }',
 *   integrationDefaults: { type: 'jira', version: '1.0.0' } });
 * if (!r.ok) throw new SettingsError(r.errors);
 */
export function loadSettings(opts: LoadSettingsOptions = {}): SettingsResult {
  const env = opts.env ?? {};
  const { spec } = opts;
  const layers = [
    overridesToOptions(opts.overrides ?? {}, { spec }),
    envToOptions(env, { spec }),
    opts.configYaml === undefined ? undefined : parseConfigYaml(opts.configYaml, env, { spec }),
    defaultsLayer(spec, opts.integrationDefaults?.type, opts.packageJson?.type),
  ].filter((l) => l !== undefined);
  const merged = mergeLayers(layers);
  const parsed = buildSettingsSchema(spec).safeParse(merged.values);

  const errors: SettingsIssue[] = layers.flatMap((l) => l.issues);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) errors.push(issueAt(merged, iss.path.map(String), iss.message));
  }
  errors.push(
    ...crossFieldIssues(merged),
    ...shadowedListenerTypes(layers),
    ...actionsIssues(parsed.success ? parsed.data.actionsProcessor.enabled : false, merged, spec, opts.actionTypes),
  );
  const warnings = layers.flatMap((l) => l.warnings);

  const redact = createRedactor(rawSensitiveValues(merged, spec));
  if (errors.length > 0 || !parsed.success) {
    return { ok: false, errors: errors.map((e) => ({ ...e, message: redact(e.message) })), warnings: warnings.map(redact) };
  }
  const settings = finalize(parsed.data, merged, opts.integrationDefaults?.version ?? opts.packageJson?.version, warnings);
  return { ok: true, settings, warnings: warnings.map(redact) };
}

/** One line per problem: `path (ENV_VAR) [where it came from]: what is wrong and what was expected`. */
export function formatSettingsErrors(errors: readonly SettingsIssue[]): string {
  return errors.map((e) => (e.path === '' ? `[${e.origin}] ${e.message}` : `${e.path} (${e.envVar}) [${e.origin}]: ${e.message}`)).join('\n');
}

/** Invalid settings; the message lists every problem, one per line. */
export class SettingsError extends Error {
  readonly errors: SettingsIssue[];
  constructor(errors: SettingsIssue[]) {
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(`Invalid Tide settings (${count}):\n${formatSettingsErrors(errors).replace(/^/gm, '  - ')}`);
    this.name = 'SettingsError';
    this.errors = errors;
  }
}

/** {@link loadSettings}, throwing {@link SettingsError} when anything is wrong. */
export function loadSettingsOrThrow(opts: LoadSettingsOptions = {}): { settings: TideSettings; warnings: string[] } {
  const r = loadSettings(opts);
  if (!r.ok) throw new SettingsError(r.errors);
  return { settings: r.settings, warnings: r.warnings };
}

function issueAt(merged: MergedOptions, path: string[], message: string): SettingsIssue {
  const origin: Origin | undefined = valueAt(merged.values, path) === undefined ? undefined : originIn(merged.origins, path);
  return {
    path: displayPath(path),
    envVar: envVarFor(path),
    source: origin?.source ?? 'missing',
    origin: origin?.label ?? 'not set',
    message,
  };
}

function isSet(v: unknown): boolean {
  return v !== undefined && !(typeof v === 'string' && v.trim() === '');
}

function crossFieldIssues(merged: MergedOptions): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const label = (path: string[]) => originIn(merged.origins, path)?.label ?? 'default';
  const id = ['port', 'clientId'];
  const secret = ['port', 'clientSecret'];
  const idSet = isSet(valueAt(merged.values, id));
  const secretSet = isSet(valueAt(merged.values, secret));
  if (idSet !== secretSet) {
    const [have, lack] = idSet ? [id, secret] : [secret, id];
    issues.push({
      ...issueAt(merged, lack, ''),
      source: 'missing',
      origin: 'not set',
      message:
        `required because ${displayPath(have)} is set (${label(have)}); expected the Port client ${idSet ? 'secret' : 'id'}. ` +
        `Set ${envVarFor(lack)}, or unset both credentials to use the embedded Port emulator`,
    });
  }
  const typePath = ['eventListener', 'type'];
  const type = valueAt(merged.values, typePath);
  const appHost = ['eventListener', 'appHost'];
  if (typeof type === 'string' && type.trim().toUpperCase() === 'WEBHOOK' && !isSet(valueAt(merged.values, appHost))) {
    issues.push({
      ...issueAt(merged, appHost, ''),
      source: 'missing',
      origin: 'not set',
      message: `required when eventListener.type is WEBHOOK (${label(typePath)}); expected ${urlKind.expected} where Port can reach POST /resync`,
    });
  }
  return issues;
}

/**
 * `--once` outranks OCEAN__EVENT_LISTENER__TYPE, so the schema never sees the value beneath it; a bad one is
 * still a mistake that would surface on the first run without the flag, so it is reported now.
 */
function shadowedListenerTypes(layers: readonly OptionsLayer[]): SettingsIssue[] {
  const path = ['eventListener', 'type'];
  const kind = enumKind(EVENT_LISTENER_TYPES);
  const present = layers.filter((l) => valueAt(l.values, path) !== undefined);
  return present.slice(1).flatMap((layer) => {
    const raw = valueAt(layer.values, path);
    if (kind.coerce(raw).ok) return [];
    const origin = originIn(layer.origins, path);
    return [{
      path: displayPath(path),
      envVar: envVarFor(path),
      source: origin?.source ?? 'missing',
      origin: origin?.label ?? 'not set',
      message: `expected ${kind.expected}, got ${JSON.stringify(raw)} (outranked by ${originIn(present[0].origins, path)?.label ?? 'a higher setting'} in this run, but wrong wherever it is read)`,
    }];
  });
}

/** `actionsProcessor.enabled` needs the spec's `actionsProcessingEnabled: true` and a declared action (§11.5). */
function actionsIssues(enabled: boolean, merged: MergedOptions, spec: IntegrationSpec | undefined, actionTypes: readonly string[] | undefined): SettingsIssue[] {
  if (!enabled) return [];
  const path = ['actionsProcessor', 'enabled'];
  const issues: SettingsIssue[] = [];
  if (spec?.actionsProcessingEnabled !== true) {
    issues.push(issueAt(merged, path, 'is true, but .port/spec.yaml does not declare `actionsProcessingEnabled: true` at its top level; declare it there, or leave the action agent off'));
  }
  if (actionTypes !== undefined && actionTypes.length === 0) {
    issues.push(issueAt(merged, path, 'is true, but the integration declares no action (defineIntegration({ actions: { <type>: { run } } }))'));
  }
  return issues;
}

/** Every raw string at a sensitive path, so that messages quoting them can be scrubbed. */
function rawSensitiveValues(merged: MergedOptions, spec: IntegrationSpec | undefined): string[] {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(collect);
  };
  for (const path of sensitivePaths(spec)) collect(valueAt(merged.values, path));
  return out;
}

function finalize(d: ParsedOptions, merged: MergedOptions, version: string | undefined, warnings: string[]): TideSettings {
  const { clientId, clientSecret } = d.port;
  const port: TideSettings['port'] = { baseUrl: d.port.baseUrl, mode: clientId && clientSecret ? 'remote' : 'embedded' };
  if (clientId && clientSecret) Object.assign(port, { clientId, clientSecret });
  if (clientId && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(clientId)) {
    warnings.push(
      'port.clientId looks like an e-mail address: personal credentials act as that user; use the organisation\'s machine credentials (Port → Credentials)',
    );
  }

  const integration: TideSettings['integration'] = {
    identifier: d.integration.identifier ?? `my-${d.integration.type}-integration`.toLowerCase(),
    type: d.integration.type,
    config: stripUndefined(d.integration.config),
    incrementalSyncEnabled: d.integration.incrementalSyncEnabled,
    incrementalSyncInterval: d.integration.incrementalSyncInterval,
    incrementalSyncCursorStore: d.integration.incrementalSyncCursorStore,
  };
  if (version !== undefined) integration.version = version;

  const { appHost, ...listener } = d.eventListener;
  const eventListener: TideSettings['eventListener'] = appHost === undefined ? listener : { ...listener, appHost };

  let batch = d.upsertEntitiesBatchMaxLength;
  if (batch > PORT_BULK_UPSERT_LIMIT) {
    const from = originIn(merged.origins, ['upsertEntitiesBatchMaxLength'])?.label ?? 'default';
    warnings.push(`upsertEntitiesBatchMaxLength ${batch} (${from}) exceeds Port's bulk limit; using ${PORT_BULK_UPSERT_LIMIT}`);
    batch = PORT_BULK_UPSERT_LIMIT;
  }

  let baseUrl = d.baseUrl;
  const legacy = integration.config.appHost;
  if (baseUrl === undefined && legacy !== undefined) {
    const r = urlKind.coerce(legacy);
    if (r.ok) {
      baseUrl = r.value;
      warnings.push('integration.config.appHost is deprecated; set baseUrl (OCEAN__BASE_URL) instead');
    }
  }

  const settings: TideSettings = {
    port,
    integration,
    eventListener,
    initializePortResources: d.initializePortResources,
    sendRawDataExamples: d.sendRawDataExamples,
    upsertEntitiesBatchMaxLength: batch,
    upsertEntitiesBatchMaxSizeInBytes: d.upsertEntitiesBatchMaxSizeInBytes,
    upsertEntitiesConcurrency: d.upsertEntitiesConcurrency,
    deleteEntitiesMaxBatchSize: Math.min(d.deleteEntitiesMaxBatchSize, PORT_BULK_DELETE_LIMIT),
    clientTimeout: d.clientTimeout,
    allowEnvironmentVariablesJqAccess: d.allowEnvironmentVariablesJqAccess,
    requestBodyMaxSizeInBytes: d.requestBodyMaxSizeInBytes,
    liveEventsQueueMaxLength: d.liveEventsQueueMaxLength,
    liveEventsQueueMaxSizeInBytes: d.liveEventsQueueMaxSizeInBytes,
    shutdownTimeout: d.shutdownTimeout,
    resyncTriggerMinInterval: d.resyncTriggerMinInterval,
    application: d.application,
    actionsProcessor: d.actionsProcessor,
  };
  if (d.adminToken !== undefined) settings.adminToken = d.adminToken;
  if (d.scheduledResyncInterval !== undefined) settings.scheduledResyncInterval = d.scheduledResyncInterval;
  if (d.mappingFile !== undefined) settings.mappingFile = d.mappingFile;
  if (baseUrl !== undefined) settings.baseUrl = baseUrl;
  return settings;
}

function stripUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
