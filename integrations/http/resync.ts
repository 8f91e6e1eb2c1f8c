/**
 * One kind's resync: the endpoint described under that kind, walked once, or once per parent item for a
 * nested endpoint. A parent's items are kept for the rest of the resync (`ctx.attributes`), so a parent
 * kind that is also mapped, and its children, cost one walk of the parent in all.
 */
import type { HttpClient, KindContext, RawItem } from 'port-tide';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { loadHttpConfig, type HttpConfig } from './config.ts';
import { endpointPages } from './fetch-endpoint.ts';

// The settings object is fixed for a Tide instance, so its validation runs once per instance.
const validated = new WeakMap<object, Promise<HttpConfig>>();

/** The validated config (jq programs compiled); throws HttpConfigError naming every bad field. */
export function configOf(raw: unknown): Promise<HttpConfig> {
  if (raw === null || typeof raw !== 'object') return loadHttpConfig(raw);
  let entry = validated.get(raw);
  if (!entry) validated.set(raw, (entry = loadHttpConfig(raw)));
  return entry;
}

const CACHE_PREFIX = 'http:items:';
// Cached items are yielded in pages of this size, like a typical API page.
const CACHED_PAGE_SIZE = 100;

interface Walker {
  config: HttpConfig;
  http: HttpClient;
  auth: Authenticator;
  ctx: KindContext;
}

/** The catch-all handler: every kind in the mapping is an endpoint of the config. */
export async function* resyncKind(ctx: KindContext): AsyncGenerator<RawItem[]> {
  const config = await configOf(ctx.config);
  if (!Object.hasOwn(config.endpoints, ctx.kind)) {
    throw new Error(`kind "${ctx.kind}" is not described in endpoints (described: ${Object.keys(config.endpoints).join(', ')})`);
  }
  // The config's retry settings apply to every request of the walk, token requests included.
  const http = config.retry ? ctx.http.withRetry(config.retry) : ctx.http;
  const walker: Walker = { config, http, auth: createAuthenticator(config, http), ctx };
  const cached = ctx.attributes[CACHE_PREFIX + ctx.kind] as Promise<RawItem[]> | undefined;
  if (cached) {
    const items = await cached;
    for (let i = 0; i < items.length; i += CACHED_PAGE_SIZE) yield items.slice(i, i + CACHED_PAGE_SIZE);
    return;
  }
  const isParent = Object.values(config.endpoints).some((ep) => ep.parent === ctx.kind);
  const kept: RawItem[] = [];
  for await (const page of walkKind(walker, ctx.kind)) {
    if (isParent) kept.push(...page);
    yield page;
  }
  // Only a complete walk is reusable by the children.
  if (isParent) ctx.attributes[CACHE_PREFIX + ctx.kind] = Promise.resolve(kept);
}

async function* walkKind(walker: Walker, kind: string): AsyncGenerator<RawItem[]> {
  const { config, http, auth, ctx } = walker;
  const endpoint = config.endpoints[kind];
  const base = { kind, config, http, auth, signal: ctx.signal };
  if (endpoint.parent === undefined) {
    ctx.logger.debug('http: fetching endpoint', { kind, path: endpoint.path });
    yield* endpointPages(base);
    return;
  }
  const parents = await allItems(walker, endpoint.parent);
  ctx.logger.debug('http: fetching nested endpoint', { kind, path: endpoint.path, parents: parents.length });
  for (const parent of parents) {
    ctx.signal.throwIfAborted();
    try {
      yield* endpointPages({ ...base, parent });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new Error(`${kind} of ${endpoint.parent} ${describeParent(parent)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Every item of a kind, walked once per resync and shared through `ctx.attributes`. */
function allItems(walker: Walker, kind: string): Promise<RawItem[]> {
  const key = CACHE_PREFIX + kind;
  const existing = walker.ctx.attributes[key] as Promise<RawItem[]> | undefined;
  if (existing) return existing;
  const promise = (async () => {
    const items: RawItem[] = [];
    for await (const page of walkKind(walker, kind)) items.push(...page);
    return items;
  })();
  walker.ctx.attributes[key] = promise;
  // A failed walk is not kept: the next kind that needs it tries again (and reports its own error).
  promise.catch(() => walker.ctx.attributes[key] === promise && delete walker.ctx.attributes[key]);
  return promise;
}

function describeParent(parent: RawItem): string {
  const id = parent.id ?? parent.key ?? parent.name;
  return id === undefined || typeof id === 'object' ? '(item without id)' : JSON.stringify(id);
}
