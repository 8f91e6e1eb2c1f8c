/**
 * The Port transport every client module sends through (docs/port-api.md §1, §3, §5, §6, §11.7): the API root,
 * path-segment encoding, the ownership User-Agent, `ocean_info_*` attribution, the cached token with
 * a refresh-and-replay on a 401 (twice at most), retries through the shared http toolkit, a hard bound on upsert
 * requests in flight, and `PortApiError`s that name the route template instead of the URL.
 */
import { createHttpClient, PORT_RETRY_POLICY, sleep as defaultSleep } from '../http/index.ts';
import type { HttpClient, SleepFn } from '../http/index.ts';
import { createTokenManager, tokenClaims } from './auth.ts';
import { createClockOffsetTracker } from './clock.ts';
import type { ClockOffset } from './clock.ts';
import type { AccessToken, TokenManager } from './auth.ts';
import { PortApiError, parseErrorBody, scrubSecrets } from './errors.ts';
import { createInFlightLimiter } from './in-flight.ts';
import type { CallContext, OwnershipFeature, PortLogger, UserAgentParts } from './types.ts';

export interface PortTransportOptions {
  /** Port's base URL without `/v1`, e.g. `https://api.getport.io`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  userAgent: UserAgentParts;
  /** Default ownership suffix. Default `exporter`. */
  feature?: OwnershipFeature;
  fetch?: typeof fetch;
  /** Upsert requests in flight, bulk and single together. Default 8. */
  concurrency?: number;
  /** Per-attempt timeout. Default 60 s (the toolkit's default). */
  timeoutMs?: number;
  sleep?: SleepFn;
  now?: () => number;
  random?: () => number;
  logger?: Partial<PortLogger>;
}

export type QueryValue = string | number | boolean | ReadonlyArray<string> | null | undefined;

/** One Port call, described by its route template rather than a URL. */
export interface PortRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Template under `/v1`, e.g. `/blueprints/{blueprint}/entities/bulk`; `{name}` takes `params[name]`, encoded. */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Mark a POST/PATCH retryable (docs/port-api.md §3.2); GET/PUT/DELETE are retryable anyway. */
  retryable?: boolean;
  /** Counts against the client's upsert in-flight bound. */
  upsert?: boolean;
  headers?: Record<string, string>;
  context?: CallContext;
}

export interface PortTransport {
  /** Send with retries and the 401 refresh; resolves with the final response whatever its status. */
  send(request: PortRequest): Promise<Response>;
  /** `send`, then the JSON body; a non-2xx status throws `PortApiError`. */
  json<T>(request: PortRequest): Promise<T>;
  /** `json`, but a 404 resolves to `undefined`. */
  jsonOrUndefined<T>(request: PortRequest): Promise<T | undefined>;
  /** The `PortApiError` for a non-2xx response whose body text has been read. */
  errorFor(request: PortRequest, response: Response, text: string): PortApiError;
  /** `port-ocean/{type}/{version}/{identifier}/{feature}`. */
  userAgent(feature?: OwnershipFeature): string;
  /** The claims of the access token (fetched when none is held), decoded without verification; undefined when unreadable. */
  tokenClaims(signal?: AbortSignal): Promise<Record<string, unknown> | undefined>;
  /** The prefix and suffix that identify this integration's entities (docs/port-api.md §5). */
  ownership(feature?: OwnershipFeature): { prefix: string; suffix: string };
  /** How far Port's clock is from ours, as its answers' `Date` headers tell (clock.ts). */
  clockOffset(): ClockOffset | undefined;
  readonly logger: PortLogger;
  readonly now: () => number;
  readonly sleep: SleepFn;
  readonly feature: OwnershipFeature;
}

const NOOP = (): void => {};
// Token refreshes (and replays) one request may cause after 401s.
const MAX_REFRESHES = 2;

/** Build the transport; `createPortClient` wraps it with the typed API. */
export function createPortTransport(options: PortTransportOptions): PortTransport {
  const apiRoot = `${options.baseUrl.replace(/\/+$/, '')}/v1`;
  const now = options.now ?? Date.now;
  const sleep: SleepFn = options.sleep ?? defaultSleep;
  const feature = options.feature ?? 'exporter';
  const logger: PortLogger = {
    debug: options.logger?.debug?.bind(options.logger) ?? NOOP,
    info: options.logger?.info?.bind(options.logger) ?? NOOP,
    warn: options.logger?.warn?.bind(options.logger) ?? NOOP,
    error: options.logger?.error?.bind(options.logger) ?? NOOP,
  };
  const { type, version, identifier } = options.userAgent;
  const baseAgent = `port-ocean/${type}/${version}/${identifier}`;

  const common = {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    retryBase: PORT_RETRY_POLICY,
    sleep: options.sleep,
    now,
    random: options.random,
    // Every retry is a WARN line: an unreachable or failing Port must be visible at once (docs/behaviour.md §4.2).
    logger,
  };
  const http: HttpClient = createHttpClient(common);
  // One permit pool per client: every upsert, bulk or single, from any caller shares it.
  const upserts: HttpClient = createHttpClient({ ...common, rateLimiter: createInFlightLimiter(options.concurrency ?? 8) });

  const tokens: TokenManager = createTokenManager({
    http,
    url: `${apiRoot}/auth/access_token`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    userAgent: baseAgent,
    now,
    logger,
  });

  const userAgent = (f: OwnershipFeature = feature): string => `${baseAgent}/${f}`;
  const clock = createClockOffsetTracker();

  function urlFor(request: PortRequest): string {
    const path = request.route.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = request.params?.[name];
      if (value === undefined) throw new Error(`[tide] Port route ${request.route}: missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const v of value) query.append(key, v);
      else query.append(key, String(value));
    }
    const event = request.context?.event;
    if (event) {
      query.set('ocean_info_event_type', event.type);
      if (event.type === 'resync' && event.id) query.set('ocean_info_resync_id', event.id);
    }
    const search = query.toString();
    return `${apiRoot}${path}${search ? `?${search}` : ''}`;
  }

  async function attempt(request: PortRequest, url: string, token: AccessToken): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': userAgent(request.context?.feature),
      authorization: token.header,
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const client = request.upsert ? upserts : http;
    const sentAt = now();
    const response = await client.request(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      retryable: request.retryable,
      signal: request.context?.signal,
    });
    clock.observe(response.headers.get('date'), sentAt, now());
    return response;
  }

  async function send(request: PortRequest): Promise<Response> {
    const url = urlFor(request);
    const signal = request.context?.signal;
    let token = await tokens.get(signal);
    let response = await attempt(request, url, token);
    // An expired or revoked token: a new one and a replay. A token can also expire again between its refresh and
    // the replay, so a second 401 refreshes once more; a third is final (docs/behaviour.md §4.2).
    for (let refreshes = 0; response.status === 401 && refreshes < MAX_REFRESHES; refreshes++) {
      await response.body?.cancel().catch(NOOP);
      logger.debug('[tide] Port answered 401; refreshing the token and replaying', { method: request.method, route: request.route, refresh: refreshes + 1 });
      token = await tokens.refresh(token, signal);
      response = await attempt(request, url, token);
    }
    return response;
  }

  function errorFor(request: PortRequest, response: Response, text: string): PortApiError {
    const body = parseErrorBody(text);
    const secrets = [options.clientSecret, tokens.current()?.value];
    return new PortApiError({
      status: response.status,
      code: body.code,
      portMessage: body.message === undefined ? undefined : scrubSecrets(body.message, secrets),
      method: request.method,
      route: `/v1${request.route}`,
      traceId: response.headers.get('x-trace-id') ?? undefined,
    });
  }

  async function json<T>(request: PortRequest): Promise<T> {
    const response = await send(request);
    const text = await response.text();
    if (!response.ok) throw errorFor(request, response, text);
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PortApiError({
        status: response.status,
        code: 'invalid_response',
        portMessage: `the response is not JSON (starts with ${JSON.stringify(text.slice(0, 80))})`,
        method: request.method,
        route: `/v1${request.route}`,
        traceId: response.headers.get('x-trace-id') ?? undefined,
      });
    }
  }

  async function jsonOrUndefined<T>(request: PortRequest): Promise<T | undefined> {
    try {
      return await json<T>(request);
    } catch (error) {
      if (error instanceof PortApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  return {
    send,
    json,
    jsonOrUndefined,
    errorFor,
    clockOffset: () => clock.current(),
    userAgent,
    tokenClaims: async (signal) => tokenClaims((await tokens.get(signal)).value),
    ownership: (f = feature) => ({ prefix: `port-ocean/${type}/`, suffix: `/${identifier}/${f}` }),
    logger,
    now,
    sleep,
    feature,
  };
}
