/**
 * The options Tide knows, how their names are spelled in each source, and the shapes every source reader
 * produces. Readers (env, config.yaml, overrides) all normalise into the same canonical camelCase tree so
 * that merging and validation never care where a key was written.
 */

/** Where a settings value came from; `missing` means no source set it. */
export type SettingsSource = 'env' | 'config.yaml' | 'override' | 'default' | 'missing';

/** The source of one value, with a label naming it exactly (`env OCEAN__PORT__CLIENT_ID`, `config.yaml: port.client_id`). */
export interface Origin {
  source: Exclude<SettingsSource, 'missing'>;
  label: string;
}

/** One configuration problem. `origin` is the exact variable or file path that supplied the bad value. */
export interface SettingsIssue {
  /** Canonical option path, e.g. `port.clientSecret`; empty for whole-file problems. */
  path: string;
  /** The env var that sets this option, e.g. `OCEAN__PORT__CLIENT_SECRET`; empty for whole-file problems. */
  envVar: string;
  source: SettingsSource;
  /** e.g. `env ocean__port__client_id`, `config.yaml: event_listener.interval`, `override: eventListener.type`, `not set`. */
  origin: string;
  /** What is wrong and what was expected; never contains a sensitive value. */
  message: string;
}

/** What one source reader produces: a canonical options tree plus where each part came from. */
export interface OptionsLayer {
  values: Record<string, unknown>;
  /** Keyed by {@link pathKey}; a value's origin is the entry at its path or its nearest ancestor. */
  origins: Map<string, Origin>;
  warnings: string[];
  issues: SettingsIssue[];
}

/** A leaf option, the free-form integration config, or a group of options. */
export type CatalogueNode = 'leaf' | 'config' | { readonly [key: string]: CatalogueNode };

/** Every option of docs/behaviour.md §2.4 (plus the server's `application` group), in canonical spelling. */
export const OPTIONS: { readonly [key: string]: CatalogueNode } = {
  port: { clientId: 'leaf', clientSecret: 'leaf', baseUrl: 'leaf' },
  integration: {
    identifier: 'leaf',
    type: 'leaf',
    config: 'config',
    incrementalSyncEnabled: 'leaf',
    incrementalSyncInterval: 'leaf',
    incrementalSyncCursorStore: 'leaf',
  },
  eventListener: {
    type: 'leaf',
    resyncOnStart: 'leaf',
    interval: 'leaf',
    appHost: 'leaf',
    brokers: 'leaf',
    securityProtocol: 'leaf',
    authenticationMechanism: 'leaf',
    kafkaSecurityEnabled: 'leaf',
    consumerPollTimeout: 'leaf',
  },
  initializePortResources: 'leaf',
  scheduledResyncInterval: 'leaf',
  sendRawDataExamples: 'leaf',
  baseUrl: 'leaf',
  upsertEntitiesBatchMaxLength: 'leaf',
  upsertEntitiesBatchMaxSizeInBytes: 'leaf',
  upsertEntitiesConcurrency: 'leaf',
  deleteEntitiesMaxBatchSize: 'leaf',
  clientTimeout: 'leaf',
  allowEnvironmentVariablesJqAccess: 'leaf',
  requestBodyMaxSizeInBytes: 'leaf',
  liveEventsQueueMaxLength: 'leaf',
  liveEventsQueueMaxSizeInBytes: 'leaf',
  shutdownTimeout: 'leaf',
  adminToken: 'leaf',
  resyncTriggerMinInterval: 'leaf',
  mappingFile: 'leaf',
  application: { logLevel: 'leaf', port: 'leaf', host: 'leaf' },
  actionsProcessor: {
    enabled: 'leaf',
    pollCheckIntervalSeconds: 'leaf',
    workersCount: 'leaf',
    runsBufferHighWatermark: 'leaf',
    maxRunsBufferUtilPctPerAction: 'leaf',
    visibilityTimeoutMs: 'leaf',
  },
};

/** Canonical paths whose values are secrets regardless of the spec. */
export const SENSITIVE_OPTION_PATHS: readonly (readonly string[])[] = [
  ['port', 'clientId'],
  ['port', 'clientSecret'],
  ['eventListener', 'appHost'],
  ['adminToken'],
];

/** Internal map key for a path (a separator no option name contains). */
export function pathKey(path: readonly string[]): string {
  return path.join('\u001f');
}

/** Human form of a path: `integration.config.jiraHost`. */
export function displayPath(path: readonly (string | number)[]): string {
  return path.join('.');
}

/** Key comparison used for every name match: case-insensitive, underscores ignored. */
export function looseKey(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

/** `CLIENT_ID` / `client_id` → `clientId`; a name without underscores keeps its case unless it is all caps. */
export function toCamel(key: string): string {
  if (!key.includes('_')) return key === key.toUpperCase() ? key.toLowerCase() : key;
  const parts = key.toLowerCase().split('_').filter((p) => p !== '');
  return parts.map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join('');
}

/** `clientId` → `CLIENT_ID`. */
export function toUpperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The env var that sets a canonical option path (`application.*` uses the server's `APPLICATION__` prefix). */
export function envVarFor(path: readonly string[]): string {
  if (path.length === 0) return '';
  if (path[0] === 'application') return ['APPLICATION', ...path.slice(1).map(toUpperSnake)].join('__');
  return ['OCEAN', ...path.map(toUpperSnake)].join('__');
}

/**
 * For a top-level name that is one of the server's `application` options (`logLevel`, `port`, `host`): where
 * that option is really set. Ocean reads none of them under `OCEAN__` either (its log level is
 * `APPLICATION__LOG_LEVEL` or `--log-level`), so such a setting would otherwise be lost without a word.
 */
export function applicationHint(key: string): string {
  const group = OPTIONS.application as { readonly [key: string]: CatalogueNode };
  const name = findOption(group, key);
  return name === undefined ? '' : `; the server's ${name} is set with ${envVarFor(['application', name])}`;
}

/** The catalogue key matching `key` loosely, if any. */
export function findOption(node: { readonly [key: string]: CatalogueNode }, key: string): string | undefined {
  const wanted = looseKey(key);
  return Object.keys(node).find((k) => looseKey(k) === wanted);
}

/** The stored name of an integration config key: the spec name it matches loosely, else its camelCase form. */
export function configKey(key: string, specNames: readonly string[] | undefined): string {
  const wanted = looseKey(key);
  return specNames?.find((n) => looseKey(n) === wanted) ?? toCamel(key);
}

/** True for `{...}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An empty layer. */
export function emptyLayer(): OptionsLayer {
  return { values: {}, origins: new Map(), warnings: [], issues: [] };
}

/** How {@link normalizeTree} labels and reports what it finds. */
export interface NormalizeContext {
  origins: Map<string, Origin>;
  warnings: string[];
  origin(written: readonly string[]): Origin;
  specNames: readonly string[] | undefined;
}

/**
 * Renames the keys of a source's object to canonical spelling along the catalogue, records an origin for every
 * leaf, and warns about keys Tide does not know. `null`/`undefined` mean unset. Values below a leaf (e.g. the
 * body of an `object` integration setting) are kept exactly as written.
 */
export function normalizeTree(
  value: unknown,
  node: CatalogueNode,
  path: readonly string[],
  written: readonly string[],
  ctx: NormalizeContext,
): unknown {
  if (value === null || value === undefined) return undefined;
  // Every source may give an object option as one JSON string (§2.4: integration.config), not only env.
  if (node !== 'leaf' && typeof value === 'string') value = jsonObjectOr(value);
  if (node === 'leaf' || !isPlainObject(value)) {
    ctx.origins.set(pathKey(path), ctx.origin(written));
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === undefined) continue;
    if (node === 'config') {
      const name = configKey(key, ctx.specNames);
      warnUndeclaredConfig(name, ctx.origin([...written, key]).label, ctx);
      ctx.origins.set(pathKey([...path, name]), ctx.origin([...written, key]));
      out[name] = child;
      continue;
    }
    const name = findOption(node, key);
    if (name === undefined) {
      const hint = node === OPTIONS ? applicationHint(key) : '';
      ctx.warnings.push(`${ctx.origin([...written, key]).label} is not a Tide option; it is ignored${hint}`);
      continue;
    }
    const normalized = normalizeTree(child, node[name], [...path, name], [...written, key], ctx);
    if (normalized !== undefined) out[name] = normalized;
  }
  return out;
}

function jsonObjectOr(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

/** Warns about an integration setting the spec does not declare (`appHost` is Ocean's deprecated base URL). */
export function warnUndeclaredConfig(name: string, label: string, ctx: Pick<NormalizeContext, 'warnings' | 'specNames'>): void {
  if (ctx.specNames === undefined || name === 'appHost' || ctx.specNames.includes(name)) return;
  ctx.warnings.push(`${label}: integration setting "${name}" is not declared in .port/spec.yaml configurations; passed through untyped`);
}
