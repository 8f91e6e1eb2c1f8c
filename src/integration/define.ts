import type { ZodType, z } from 'zod';
import type { IntegrationSpec } from '../config/index.ts';
import type { PortResources } from '../defaults/index.ts';
import type { HttpClient } from '../http/index.ts';
import type { WebhookRegistrations } from '../live/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { ResourceConfig } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';

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
  /** The integration's config, typed and keyed by `.port/spec.yaml` configuration names. */
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
}

export interface KindDefinition<Config, S extends ZodType | undefined> {
  /** Schema of the kind's selector fields beside `query` (e.g. `z.object({ state: z.enum(['open', 'all']) })`). */
  selector?: S;
  resync(ctx: KindContext<Config, S extends ZodType ? z.infer<S> : Record<string, unknown>>): ResyncResult;
}

/** Context for the start and resync lifecycle hooks. */
export interface HookContext<Config = Record<string, unknown>> {
  config: Config;
  logger: Logger;
  http: HttpClient;
  state: StateStore;
  signal: AbortSignal;
}

export interface IntegrationDefinition<Config = Record<string, unknown>> {
  /** Port `installationAppType`; falls back to the spec's `type`, then package.json. */
  type?: string;
  /** Sent in the User-Agent and the integration record; falls back to package.json. */
  version?: string;
  /** The parsed `.port/spec.yaml`; the Node adapter reads it from the folder when omitted. */
  spec?: IntegrationSpec;
  /** The parsed `.port/resources/`; read from the folder when omitted. */
  resources?: PortResources;
  kinds: { [kind: string]: KindDefinition<Config, ZodType | undefined> };
  /** Live-event processors by path, served at `POST /integration{path}` (OCEAN-BEHAVIOUR.md §6). */
  webhooks?: WebhookRegistrations;
  /** Called for every resource, in addition to the kind's own handler (Ocean's `on_resync()`). */
  catchAll?: (ctx: KindContext<Config>) => ResyncResult;
  onStart?: (ctx: HookContext<Config>) => void | Promise<void>;
  onResyncStart?: (ctx: HookContext<Config>) => void | Promise<void>;
  onResyncComplete?: (ctx: HookContext<Config>) => void | Promise<void>;
}

/**
 * Declare an integration: its kinds (each a resync handler that returns or yields raw items), and
 * optionally its spec, default resources and lifecycle hooks. The result is plain data that every
 * runtime adapter accepts.
 *
 * @example
 * export default defineIntegration({
 *   type: 'acme', version: '1.0.0',
 *   kinds: { project: { async *resync(ctx) { yield await ctx.http.json('https://acme.example/projects'); } } },
 * });
 */
export function defineIntegration<Config = Record<string, unknown>>(def: IntegrationDefinition<Config>): IntegrationDefinition<Config> {
  if (!def || typeof def !== 'object') throw new TypeError('defineIntegration: expected an object');
  if (!def.kinds || typeof def.kinds !== 'object') throw new TypeError('defineIntegration: `kinds` must be an object of kind definitions');
  for (const [name, kind] of Object.entries(def.kinds)) {
    if (!kind || typeof kind.resync !== 'function') throw new TypeError(`defineIntegration: kind "${name}" needs a resync(ctx) function`);
  }
  if (def.type !== undefined && (typeof def.type !== 'string' || def.type.includes('/')))
    throw new TypeError(`defineIntegration: type must be a string without "/", got ${JSON.stringify(def.type)}`);
  return def;
}
