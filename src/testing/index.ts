/**
 * Test helpers for integration authors: run a kind's resync handler the way a resync runs it (same
 * handler resolution, page validation and ctx), against a fake vendor API, and map its items with the
 * integration's own mapping through the resync's evaluator. Runtime-agnostic: the caller reads the
 * `.port/` files (on Node, `readFileSync`) and hands in their text.
 *
 * Imported as `port-tide/testing`; `resyncInto` runs a whole resync into the local Port emulator
 * (`port-tide/emulator`).
 *
 * @example
 * const { entities } = await syncKind(integration, 'project', {
 *   mapping: readFileSync('.port/resources/port-app-config.yml', 'utf8'),
 *   fetch: fakeFetch({ 'https://api.example.com/projects': [{ id: 'p1', name: 'One' }] }),
 * });
 * expect(entities).toEqual([{ identifier: 'p1', title: 'One', blueprint: 'project' }]);
 */
import { createHttpClient } from '../http/index.ts';
import { parseIntegrationConfig } from '../integration/config.ts';
import type { IntegrationDefinition, KindContext, RawItem } from '../integration/index.ts';
import { silentLogger, type Logger } from '../logging/logger.ts';
import {
  createMapper,
  parsePortAppConfig,
  type Entity,
  type FieldError,
  type Mapper,
  type Misconfiguration,
  type PortAppConfig,
  type RequiredFieldsLookup,
  type ResourceConfig,
} from '../mapping/index.ts';
import { createMemoryStateStore } from '../state/index.ts';
import { extractResource, resolveHandlers, selectorSchemas } from '../sync/index.ts';

export { createMemoryLogger } from '../logging/logger.ts';
export { testStateStore } from './state-store-contract.ts';
export { sampleCheckpoint, testCheckpointStore } from './checkpoint-store-contract.ts';
export type { CheckpointStoreContractOptions, CheckpointStoreSubject } from './checkpoint-store-contract.ts';
export { AWKWARD_SEEN_KEYS, testSeenKeys } from './seen-keys-contract.ts';
export type { SeenKeysContractOptions, SeenKeysSubject } from './seen-keys-contract.ts';
export { runtimeContract } from './runtime-contract.ts';
export { emulatorClient } from './emulator-client.ts';
export type { EmulatorAnswer, EmulatorClient, EmulatorClientOptions, EmulatorEntity, EmulatorLoggedRequest, RequestFilter, SendOptions } from './emulator-client.ts';
export { resyncInto } from './resync.ts';
export type { ResyncIntoOptions, ResyncIntoResult } from './resync.ts';
export type { RuntimeContractOptions, RuntimeHarness, RuntimeInstance, RuntimeResyncReport } from './runtime-contract.ts';

/** Options of {@link runKind}. */
export interface RunKindOptions<Config> {
  /**
   * The settings `ctx.config` is made from (what `.port/spec.yaml` would resolve). Default `{}`. They go through the
   * integration's `config` schema, as at startup, so defaults are filled in and bad values are refused.
   */
  config?: Partial<Config>;
  /** The transport behind `ctx.http`; use {@link fakeFetch} to keep tests offline. Default: global fetch. */
  fetch?: typeof fetch;
  /** The mapping resource (as parsed) whose selector the handler sees. Default: `{ query: 'true' }` through the kind's selector schema. */
  resource?: ResourceConfig;
  logger?: Logger;
}

/** Options of {@link mapKind}. */
export interface MapKindOptions {
  /** The shipped blueprints (`blueprints.json`), so a `null` required field is reported as ERROR (§3.6). */
  blueprints?: ReadonlyArray<Record<string, unknown>>;
  /** What JQ `env` shows. Default `{}`. */
  env?: Record<string, string>;
  mapper?: Mapper;
}

/** Everything one kind's items produced through every resource of that kind, in mapping order. */
export interface MapKindResult {
  /** Entity bodies exactly as a resync would send them (selector passed, not dropped). */
  entities: Entity[];
  selectorErrors: string[];
  fieldErrors: FieldError[];
  misconfigurations: Misconfiguration[];
  /** Entities dropped: a falsy identifier or blueprint, or one of a type Port cannot take (logged as an error). */
  dropped: number;
}

let sharedMapper: Mapper | undefined;

/** Required properties and relations of the given blueprints, for misconfiguration severity. */
export function requiredFieldsOf(blueprints: ReadonlyArray<Record<string, unknown>>): RequiredFieldsLookup {
  return (id) => {
    const bp = blueprints.find((b) => b.identifier === id);
    if (!bp) return undefined;
    const relations = (bp.relations ?? {}) as Record<string, { required?: boolean }>;
    return {
      properties: ((bp.schema as { required?: string[] } | undefined)?.required ?? []) as string[],
      relations: Object.keys(relations).filter((r) => relations[r]?.required === true),
    };
  };
}

function toConfig(mapping: string | Record<string, unknown> | PortAppConfig, integration?: IntegrationDefinition<any>): PortAppConfig {
  return parsePortAppConfig(mapping, { source: 'mapping under test', selectorSchemas: integration ? selectorSchemas(integration) : {} });
}

/**
 * Run `kind`'s resync handler (and the catch-all) as a resync would, and return every raw item of every
 * page. Any kind error (no handler, a throw, an invalid page) rejects with the collected messages.
 */
export async function runKind<Config>(integration: IntegrationDefinition<Config>, kind: string, opts: RunKindOptions<Config> = {}): Promise<RawItem[]> {
  const handlers = resolveHandlers(integration as IntegrationDefinition<any>, kind);
  if (typeof handlers === 'string') throw new Error(handlers);
  // The default resource is read the way a resync reads one, so the handler sees its selector schema's output.
  const resource =
    opts.resource ??
    toConfig({ resources: [{ kind, selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', blueprint: `"${kind}"` } } } }] }, integration as IntegrationDefinition<any>)
      .resources[0];
  const ctx: KindContext = {
    kind,
    index: 0,
    config: parseIntegrationConfig((integration as IntegrationDefinition<any>).config, (opts.config ?? {}) as Record<string, unknown>),
    selector: resource.selector,
    resourceConfig: resource,
    logger: opts.logger ?? silentLogger,
    http: createHttpClient({ fetch: opts.fetch, sleep: async () => {} }),
    state: createMemoryStateStore(),
    signal: new AbortController().signal,
    attributes: {},
  };
  const errors: string[] = [];
  const items: RawItem[] = [];
  for await (const page of extractResource(handlers, ctx, (text) => errors.push(text))) items.push(...page);
  if (errors.length > 0) throw new Error(`kind "${kind}": ${errors.join('; ')}`);
  return items;
}

/**
 * Map raw items of `kind` with every resource of that kind in `mapping` (YAML/JSON text or an object), in
 * mapping order, with the resync's evaluator (itemsToParse, batches, selector, fields).
 */
export async function mapKind(
  mapping: string | Record<string, unknown> | PortAppConfig,
  kind: string,
  items: readonly unknown[],
  opts: MapKindOptions & { integration?: IntegrationDefinition<any> } = {},
): Promise<MapKindResult> {
  const config = toConfig(mapping, opts.integration);
  const mapper =
    opts.mapper ??
    (opts.blueprints || opts.env
      ? createMapper({ env: opts.env, requiredFields: opts.blueprints && requiredFieldsOf(opts.blueprints) })
      : (sharedMapper ??= createMapper()));
  const result: MapKindResult = { entities: [], selectorErrors: [], fieldErrors: [], misconfigurations: [], dropped: 0 };
  for (const [index, resource] of config.resources.entries()) {
    if (resource.kind !== kind) continue;
    const { batches } = await mapper.mapItems(resource, items, { resourceIndex: index });
    for (const batch of batches) {
      result.entities.push(...batch.entities.filter((e) => e.selectorPassed).map((e) => e.entity));
      result.selectorErrors.push(...batch.selectorErrors.map((s) => s.message));
      result.fieldErrors.push(...batch.fieldErrors);
      result.misconfigurations.push(...batch.misconfigurations);
      result.dropped += batch.dropped.count;
    }
  }
  return result;
}

/**
 * {@link runKind} then {@link mapKind} with the integration's mapping: the items a resync would fetch for
 * `kind` and the entities it would send, with no Port involved.
 */
export async function syncKind<Config>(
  integration: IntegrationDefinition<Config>,
  kind: string,
  opts: RunKindOptions<Config> & MapKindOptions & { mapping: string | Record<string, unknown> },
): Promise<MapKindResult & { items: RawItem[] }> {
  const config = toConfig(opts.mapping, integration as IntegrationDefinition<any>);
  const resource = config.resources.find((r) => r.kind === kind);
  const items = await runKind(integration, kind, { ...opts, resource });
  return { items, ...(await mapKind(config, kind, items, opts)) };
}

/** A route's answer: a JSON body (status 200), a Response, or a function of the request giving either. */
export type FakeRoute = unknown | Response | ((request: Request) => unknown | Response | Promise<unknown | Response>);

/**
 * A `fetch` for a fake vendor API: routes keyed by full URL (`https://api.example.com/items?page=2`) or by
 * path (`/items`), matched URL first; anything else answers 404. `requests` records every call.
 */
export function fakeFetch(routes: Record<string, FakeRoute>): typeof fetch & { requests: Request[] } {
  const requests: Request[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push(request);
    const url = new URL(request.url);
    const key = [url.href, `${url.origin}${url.pathname}`, `${url.pathname}${url.search}`, url.pathname].find((k) => Object.hasOwn(routes, k));
    if (key === undefined) return new Response(JSON.stringify({ error: `no fake route for ${request.method} ${url.href}` }), { status: 404 });
    const route = routes[key];
    const answer = typeof route === 'function' ? await (route as (r: Request) => unknown)(request) : route;
    if (answer instanceof Response) return answer.clone();
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return Object.assign(fn as typeof fetch, { requests });
}
