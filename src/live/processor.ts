/**
 * The webhook-processor contract (docs/behaviour.md §6.2): plain objects (or classes) with five
 * required methods and a few optional hooks, created fresh for every event; the route that groups a
 * path's processors under one signature check (§6.1); and the check that turns a registration which does
 * not satisfy the contract into a startup error naming path and method.
 */
import type { RunCompletion } from '../actions/completion.ts';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { ResourceConfig } from '../mapping/index.ts';

/** One raw third-party object, as the webhook or the vendor API delivered it. */
export type RawItem = Record<string, unknown>;

/** A live event as queued (§6.1). `headers` keys are lower-case. */
export interface WebhookEvent {
  /** A UUID per request; also the id of the `http_request` event the writes are attributed to. */
  traceId: string;
  /** The parsed JSON body. */
  payload: unknown;
  headers: Record<string, string>;
  /** The exact request body bytes, for signature checks. */
  rawBody: Uint8Array;
  /** When the request arrived. */
  createdAt: Date;
}

/** What a route's `verify` sees: the raw request before anything is queued (§6.1, Tide). */
export interface VerifyRequest {
  method: string;
  url: string;
  /** Lower-case keys. */
  headers: Record<string, string>;
  /** The exact body bytes. */
  rawBody: Uint8Array;
}

/** What `handleEvent` returns: raw items to upsert and raw items whose entities should go. */
export interface WebhookEventResult {
  updated: RawItem[];
  deleted: RawItem[];
}

/** The methods and options every processor has, whatever its `kind`. */
export interface ProcessorBase {
  shouldProcessEvent(event: WebhookEvent): boolean | Promise<boolean>;
  getMatchingKinds(event: WebhookEvent): string[] | Promise<string[]>;
  authenticate(payload: unknown, headers: Record<string, string>): boolean | Promise<boolean>;
  validatePayload(payload: unknown): boolean | Promise<boolean>;
  beforeProcessing?(event: WebhookEvent): Promise<void> | void;
  afterProcessing?(event: WebhookEvent): Promise<void> | void;
  /** Called each time `handleEvent` throws, before the retry decision. */
  onError?(error: unknown): Promise<void> | void;
  /** Called when the run is cut short: shutdown after the drain period, or the 90 s budget. */
  cancel?(): Promise<void> | void;
  /** Default: `error instanceof RetryableError`. */
  shouldRetry?(error: unknown): boolean;
  /** Seconds to wait before the n-th retry (n from 1). Default `min(2^(n−1), 30)`. */
  calculateRetryDelay?(retryCount: number): number;
  /** Default 3. */
  maxRetries?: number;
}

/** A processor tied to mapping kinds: one run per matching kind × resource of that kind (§6.3). */
export interface WebhookProcessor extends ProcessorBase {
  kind?: 'webhook';
  handleEvent(payload: unknown, resource: ResourceConfig): Promise<WebhookEventResult>;
}

/** A processor not tied to mapping kinds (e.g. "config changed → resync"): one run, no resource, results not mapped. */
export interface ActionProcessor extends ProcessorBase {
  kind: 'action';
  handleEvent(payload: unknown, resource?: undefined): Promise<WebhookEventResult>;
}

/** Either sort of processor. */
export type LiveEventProcessor = WebhookProcessor | ActionProcessor;

/**
 * How a processor is registered. Tide makes a fresh instance for every event (§6.2), so an instance may hold
 * per-event state:
 * - a class: `new Factory()`;
 * - a function: `factory()` returns the processor;
 * - a plain object: a fresh object whose prototype is that object (own writes stay per event).
 */
export type WebhookProcessorFactory<Config = Record<string, unknown>> =
  | (new (context: ProcessorContext<Config>) => LiveEventProcessor)
  | ((context: ProcessorContext<Config>) => LiveEventProcessor)
  | LiveEventProcessor;

/**
 * What a processor factory and a route's `verify` receive: the integration's config, validated and typed by
 * the definition's `config` schema, and a logger (no globals).
 */
export interface ProcessorContext<Config = Record<string, unknown>> {
  config: Config;
  logger: Logger;
  /**
   * Runs left pending by an executor, found by external id and completed (docs/behaviour.md §11.5); present when
   * the action agent is enabled (`actionsProcessor.enabled`).
   */
  actions?: RunCompletion;
}

/**
 * A webhook path: its processors, and the signature check that runs once per delivery before any of them
 * (§6.1). A `verify` that returns false (or throws) answers 401 and nothing is queued.
 */
export interface WebhookRoute<Config = Record<string, unknown>> {
  verify?(request: VerifyRequest, context: ProcessorContext<Config>): boolean | Promise<boolean>;
  /**
   * The vendor's id of a delivery (GitHub: the `X-GitHub-Delivery` header). A verified delivery whose id was
   * already applied within 24 hours is answered `200 {"status":"duplicate"}` and not applied again (§6.1).
   */
  deliveryId?(request: VerifyRequest): string | undefined;
  processors: WebhookProcessorFactory<Config> | WebhookProcessorFactory<Config>[];
}

/**
 * What an integration definition's `webhooks` field holds: path → a route, or just its processor(s) when
 * deliveries need no signature check. Each path is served as `POST /integration{path}`.
 *
 * @example
 * const webhooks: WebhookRegistrations<MyConfig> = {
 *   '/webhook': {
 *     verify: (request, { config }) => verifyHmacSha256(request, { secret: config.webhookSecret, header: 'x-signature' }),
 *     processors: [PushProcessor, () => ({ ...issueProcessor })],
 *   },
 *   '/unsigned': issueProcessor,
 * };
 */
export type WebhookRegistrations<Config = Record<string, unknown>> = Record<
  string,
  WebhookRoute<Config> | WebhookProcessorFactory<Config> | WebhookProcessorFactory<Config>[]
>;

/** Throw it from `handleEvent` to have the call retried (with the default `shouldRetry`). */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
}

/** The default `maxRetries` (§6.4). */
export const DEFAULT_MAX_RETRIES = 3;

/** The default `shouldRetry`: a `RetryableError` (also one from another copy of this module, by name). */
export function defaultShouldRetry(error: unknown): boolean {
  return error instanceof RetryableError || (error instanceof Error && error.name === 'RetryableError');
}

/** The default `calculateRetryDelay`: `min(2^(n−1), 30)` seconds, so 1, 2, 4 s for the three retries. */
export function defaultRetryDelay(retryCount: number): number {
  return Math.min(2 ** (Math.max(1, retryCount) - 1), 30);
}

/** A registration that does not satisfy the contract (§6.1); thrown at startup. */
export class WebhookRegistrationError extends Error {
  override readonly name = 'WebhookRegistrationError';
}

const REQUIRED = ['shouldProcessEvent', 'getMatchingKinds', 'authenticate', 'validatePayload', 'handleEvent'] as const;
const OPTIONAL_METHODS = ['beforeProcessing', 'afterProcessing', 'onError', 'cancel', 'shouldRetry', 'calculateRetryDelay'] as const;

/** A checked path: its signature check, bound to the integration's context, and its processors. */
export interface RouteRegistration {
  path: string;
  verify?: (request: VerifyRequest) => boolean | Promise<boolean>;
  deliveryId?: (request: VerifyRequest) => string | undefined;
  processors: ProcessorRegistration[];
}

/** One checked registration: how to make an instance, and a name for log lines. */
export interface ProcessorRegistration {
  path: string;
  /** Position among the path's processors. */
  index: number;
  /** Class or function name when there is one, else `#index`. */
  name: string;
  /** A fresh instance. */
  create(): LiveEventProcessor;
}

function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** Problems of one processor instance (or prototype), as human-readable phrases; empty when it is valid. */
export function contractProblems(candidate: unknown): string[] {
  if (candidate === null || typeof candidate !== 'object') return [`expected an object, got ${candidate === null ? 'null' : typeof candidate}`];
  const p = candidate as Record<string, unknown>;
  const problems: string[] = [];
  for (const method of REQUIRED) if (typeof p[method] !== 'function') problems.push(`missing method ${method}()`);
  // A processor's own check would no longer run: fail loudly rather than accept unsigned deliveries.
  if (p.verify !== undefined) problems.push('verify() belongs to the route now: register { verify, processors } for the path');
  for (const method of OPTIONAL_METHODS) {
    if (p[method] !== undefined && typeof p[method] !== 'function') problems.push(`${method} must be a function`);
  }
  if (p.kind !== undefined && p.kind !== 'webhook' && p.kind !== 'action') problems.push(`kind must be "webhook" or "action", got ${JSON.stringify(p.kind)}`);
  if (p.maxRetries !== undefined && !(Number.isInteger(p.maxRetries) && (p.maxRetries as number) >= 0)) {
    problems.push(`maxRetries must be a non-negative integer, got ${JSON.stringify(p.maxRetries)}`);
  }
  return problems;
}

/** Registration paths are served under `/integration`; they must start with `/`. */
export function normalisePath(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** A route object, told apart from a plain-object processor by its `processors` and the lack of `handleEvent`. */
function isRoute(value: unknown): value is WebhookRoute<unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'processors' in value && !('handleEvent' in value);
}

/**
 * Check every registration and return, per path, its signature check and how to build fresh processor
 * instances. A class or function factory is instantiated once here, because only an instance shows whether it
 * satisfies the contract.
 *
 * @throws WebhookRegistrationError naming the path, the processor and each missing method.
 */
export function registerRoutes<Config>(
  registrations: WebhookRegistrations<Config>,
  context: ProcessorContext<Config> = { config: {} as Config, logger: silentLogger },
): Map<string, RouteRegistration> {
  const out = new Map<string, RouteRegistration>();
  for (const [rawPath, value] of Object.entries(registrations)) {
    const path = normalisePath(rawPath);
    const route: WebhookRoute<Config> = isRoute(value) ? (value as WebhookRoute<Config>) : { processors: value as WebhookProcessorFactory<Config> | WebhookProcessorFactory<Config>[] };
    if (route.verify !== undefined && typeof route.verify !== 'function') throw new WebhookRegistrationError(`[tide] webhook path "${path}": verify must be a function`);
    if (route.deliveryId !== undefined && typeof route.deliveryId !== 'function') throw new WebhookRegistrationError(`[tide] webhook path "${path}": deliveryId must be a function`);
    const list = Array.isArray(route.processors) ? route.processors : [route.processors];
    if (list.length === 0) throw new WebhookRegistrationError(`[tide] webhook path "${path}": no processor registered`);
    // Two spellings of one path ("webhook", "/webhook") share it; they cannot each bring a check.
    const registered = out.get(path) ?? { path, processors: [] };
    if (route.verify && registered.verify) throw new WebhookRegistrationError(`[tide] webhook path "${path}" has two verify functions; give the path one route`);
    for (const factory of list) registered.processors.push(toRegistration(path, registered.processors.length, factory, context as ProcessorContext<unknown>));
    const check = route.verify;
    if (check) registered.verify = (request) => check.call(route, request, context);
    const name = route.deliveryId;
    if (name) registered.deliveryId = (request) => name.call(route, request);
    out.set(path, registered);
  }
  return out;
}

/** The processors of every path (see {@link registerRoutes}, which also returns each path's signature check). */
export function registerProcessors<Config>(registrations: WebhookRegistrations<Config>, context?: ProcessorContext<Config>): Map<string, ProcessorRegistration[]> {
  return new Map([...registerRoutes(registrations, context)].map(([path, route]) => [path, route.processors]));
}

function toRegistration(path: string, index: number, factory: unknown, context: ProcessorContext<unknown>): ProcessorRegistration {
  const fail = (name: string, problems: string[]): never => {
    throw new WebhookRegistrationError(`[tide] webhook processor ${name} at path "${path}" does not satisfy the processor contract: ${problems.join('; ')}`);
  };
  if (typeof factory === 'function') {
    const name = factory.name || `#${index}`;
    if (isClass(factory)) {
      const Ctor = factory as new (context: ProcessorContext<unknown>) => LiveEventProcessor;
      // Checked on an instance: methods may be class fields, which the prototype does not show.
      const problems = contractProblems(new Ctor(context));
      if (problems.length > 0) fail(name, problems);
      return { path, index, name, create: () => new Ctor(context) };
    }
    const make = factory as (context: ProcessorContext<unknown>) => LiveEventProcessor;
    const problems = contractProblems(make(context));
    if (problems.length > 0) fail(name, problems);
    return { path, index, name, create: () => make(context) };
  }
  const name = `#${index}`;
  const problems = contractProblems(factory);
  if (problems.length > 0) fail(name, problems);
  return { path, index, name, create: () => Object.create(factory as object) as LiveEventProcessor };
}

/** Build one instance and re-check it: a factory may return something different per call. */
export function instantiate(reg: ProcessorRegistration): LiveEventProcessor {
  const instance = reg.create();
  const problems = contractProblems(instance);
  if (problems.length > 0) {
    throw new WebhookRegistrationError(`[tide] webhook processor ${reg.name} at path "${reg.path}" returned an invalid instance: ${problems.join('; ')}`);
  }
  return instance;
}
