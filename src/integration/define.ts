import type { ZodType, z } from 'zod';
import { checkActionDefinitions } from '../actions/check.ts';
import type { ActionDefinition, ActionDefinitions } from '../actions/types.ts';
import type { IntegrationSpec } from '../config/index.ts';
import type { PortResources } from '../defaults/index.ts';
import type { HttpClient } from '../http/index.ts';
import type { WebhookRegistrations } from '../live/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { ResourceConfig } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';
import type { IncrementalContext } from './incremental.ts';

/** One raw third-party object, as the vendor API returned it. */
export type RawItem = Record<string, unknown>;

/** What a kind's resync handler may return: one array, or pages as they arrive. */
export type ResyncResult = RawItem[] | Promise<RawItem[]> | AsyncIterable<RawItem[]>;

/** Everything a handler gets; there are no globals. */
export interface KindContext<Config = Record<string, unknown>, Selector = Record<string, unknown>> {
  /** The kind being resynced. */
  kind: string;
  /** The resource's index in the mapping (`resources[i]`). */
  index: number;
  /** The integration's config, keyed by `.port/spec.yaml` configuration names: its `config` schema's output. */
  config: Config;
  /** The resource's selector: `query` plus the kind's own fields, validated by its schema. */
  selector: Selector & { query: string };
  resourceConfig: ResourceConfig;
  logger: Logger;
  /** The shared vendor HTTP client (retries, rate limits, timeouts). */
  http: HttpClient;
  state: StateStore;
  /** Fires when this resync is superseded or the process shuts down. */
  signal: AbortSignal;
  /** Per-resync scratch space shared by the handlers of one resync. */
  attributes: Record<string, unknown>;
  /**
   * Where to resume: the cursor last passed to `checkpoint` before the page this resync stopped after
   * (a resync carried across invocations, e.g. on Workers); `undefined` when starting from the first page.
   */
  cursor?: unknown;
  /**
   * Declare, just before yielding a page, the JSON cursor that resumes right after that page. Optional to
   * call and to provide: a runtime that resyncs in one go ignores it, and a handler that never calls it
   * restarts from its first page when a resync is resumed (safe: upserts are idempotent, the seen set a set).
   */
  checkpoint?: (cursor: unknown) => void;
  /** Set in an incremental run only (§4.12): what changed since this instant is wanted. A full resync leaves it unset. */
  since?: Date;
}

/**
 * What a handler sees for schema `S` (a config or a selector schema): the schema's output, defaults filled in;
 * a plain record when there is no schema.
 */
export type SchemaOutput<S> = S extends ZodType ? z.output<S> : Record<string, unknown>;

/**
 * The config type of a definition declared with `C`: a config schema's output, or `C` itself when it is a plain
 * type given explicitly (`defineIntegration<MyConfig>(…)`, the settings unchecked beyond the spec).
 */
export type ConfigType<C> = C extends ZodType ? z.output<C> : C extends undefined ? Record<string, unknown> : C;

/**
 * One kind: its resync handler and, optionally, the schema of its selector fields beside `query`. The mapping's
 * selector is validated by that schema where the mapping is read (a bad selector fails the resync naming
 * `resources[i].selector.<field>`), so `ctx.selector` arrives parsed and typed as the schema's output.
 */
export interface KindDefinition<Config = Record<string, unknown>, S = ZodType | undefined> {
  /** Schema of the kind's selector fields beside `query` (e.g. `z.object({ state: z.enum(['open', 'all']).default('open') })`). */
  selector?: S;
  resync(ctx: KindContext<Config, SchemaOutput<S>>): ResyncResult;
  /**
   * What changed since `ctx.since` (docs/behaviour.md §4.12): run between full resyncs when `incrementalSyncEnabled`
   * is set. Same contract as `resync`; the resource's cursor moves forward only when it succeeds. Optional.
   */
  incremental?(ctx: IncrementalContext<Config, SchemaOutput<S>>): ResyncResult;
}

/** Context for the start and resync lifecycle hooks. */
export interface HookContext<Config = Record<string, unknown>> {
  config: Config;
  logger: Logger;
  http: HttpClient;
  state: StateStore;
  signal: AbortSignal;
}

/** What every integration may declare beside its kinds and config schema. */
export interface IntegrationFields<Config> {
  /** Port `installationAppType`; falls back to the spec's `type`, then package.json. */
  type?: string;
  /** Sent in the User-Agent and the integration record; falls back to package.json. */
  version?: string;
  /** The parsed `.port/spec.yaml`; the Node adapter reads it from the folder when omitted. */
  spec?: IntegrationSpec;
  /** The parsed `.port/resources/`; read from the folder when omitted. */
  resources?: PortResources;
  /** Live-event routes by path, served at `POST /integration{path}` (docs/behaviour.md §6). */
  webhooks?: WebhookRegistrations<Config>;
  /** Called for every resource, in addition to the kind's own handler (Ocean's `on_resync()`). */
  catchAll?(ctx: KindContext<Config>): ResyncResult;
  onStart?(ctx: HookContext<Config>): void | Promise<void>;
  onResyncStart?(ctx: HookContext<Config>): void | Promise<void>;
  onResyncComplete?(ctx: HookContext<Config>): void | Promise<void>;
}

/** Selector schemas by kind; `undefined` for a kind without one. */
export type SelectorSchemas = Record<string, ZodType | undefined>;

/**
 * An integration as every adapter takes it. `Config` is the type of `integration.config` as the handlers see
 * it; `Kinds` maps each kind to its selector schema.
 */
export interface IntegrationDefinition<Config = Record<string, unknown>, Kinds extends SelectorSchemas = SelectorSchemas> extends IntegrationFields<Config> {
  /**
   * Schema of `integration.config` (the `OCEAN__INTEGRATION__CONFIG__*` settings, after `.port/spec.yaml` typed
   * them). Checked once at startup: a bad value stops it with one line per problem naming the setting. Handlers,
   * hooks, webhook routes and processors then get the schema's output as `config`.
   */
  config?: ZodType<Config>;
  kinds: { [K in keyof Kinds]: KindDefinition<Config, Kinds[K]> };
  /** Self-service action executors by action type (docs/behaviour.md §11.5). */
  actions?: ActionDefinitions<Config>;
}

/** What {@link defineIntegration} takes: the config and selector types come from the schemas given. */
export interface IntegrationInput<Kinds extends Record<string, unknown>, C, Actions extends Record<string, unknown> = Record<string, unknown>> extends IntegrationFields<ConfigType<C>> {
  config?: C extends ZodType ? C : ZodType<ConfigType<C>>;
  kinds: { [K in keyof Kinds]: KindDefinition<ConfigType<C>, Kinds[K]> & { selector?: ZodType } };
  /** Executors by action type; each run's `properties` is typed by the type's `properties` schema when it has one. */
  actions?: { [A in keyof Actions]: ActionDefinition<ConfigType<C>, Actions[A]> & { properties?: ZodType } };
}

/** A kind declared without a selector schema has `undefined` for one. */
export type InferredKinds<Kinds> = { [K in keyof Kinds]: unknown extends Kinds[K] ? undefined : Extract<Kinds[K], ZodType> };

/**
 * Declare an integration: its kinds (each a resync handler that returns or yields raw items), and optionally the
 * schema of its config, its webhook routes, spec, default resources and lifecycle hooks. The types of
 * `ctx.config` and of each kind's `ctx.selector` are inferred from the schemas (a config type may instead be
 * given as the type argument, unchecked beyond the spec). The result is plain data that every runtime adapter
 * accepts.
 *
 * @example
 * export default defineIntegration({
 *   type: 'acme', version: '1.0.0',
 *   config: z.object({ acmeUrl: z.string().default('https://acme.example') }),
 *   kinds: {
 *     project: {
 *       selector: z.object({ archived: z.boolean().default(false) }),
 *       async *resync(ctx) {
 *         yield await ctx.http.json(`${ctx.config.acmeUrl}/projects?archived=${ctx.selector.archived}`);
 *       },
 *     },
 *   },
 * });
 */
export function defineIntegration<C = undefined, Kinds extends Record<string, unknown> = Record<string, unknown>, Actions extends Record<string, unknown> = Record<string, unknown>>(
  def: IntegrationInput<Kinds, C, Actions>,
): IntegrationDefinition<ConfigType<C>, InferredKinds<Kinds>> {
  if (!def || typeof def !== 'object') throw new TypeError('defineIntegration: expected an object');
  if (!def.kinds || typeof def.kinds !== 'object') throw new TypeError('defineIntegration: `kinds` must be an object of kind definitions');
  for (const [name, kind] of Object.entries(def.kinds as Record<string, KindDefinition | undefined>)) {
    if (!kind || typeof kind.resync !== 'function') throw new TypeError(`defineIntegration: kind "${name}" needs a resync(ctx) function`);
    if (kind.incremental !== undefined && typeof kind.incremental !== 'function') throw new TypeError(`defineIntegration: kind "${name}": incremental must be a function (ctx) => pages`);
    if (kind.selector !== undefined && !isSchema(kind.selector)) throw new TypeError(`defineIntegration: kind "${name}": selector must be a zod schema`);
  }
  checkActionDefinitions(def.actions);
  if (def.config !== undefined && !isSchema(def.config)) throw new TypeError('defineIntegration: config must be a zod schema (e.g. z.object({ … }))');
  if (def.type !== undefined && (typeof def.type !== 'string' || def.type.includes('/')))
    throw new TypeError(`defineIntegration: type must be a string without "/", got ${JSON.stringify(def.type)}`);
  return def as unknown as IntegrationDefinition<ConfigType<C>, InferredKinds<Kinds>>;
}

function isSchema(value: unknown): value is ZodType {
  return typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';
}
